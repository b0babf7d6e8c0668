"""The incident use cases, one module per stage of the response.

- ``opening``: an incident from custody's possible loss or a person's report; custody's recovered / marked lost.
- ``reporting``: the loss report's versions, the timeline, the facts behind the duties, a duty done.
- ``closing``: review, prevention actions, measures toward the employee, the close.
- ``common``: what they share (find the incident, write the timeline, reassess the duties, say "updated").

Each use case takes its dependencies as arguments (session, actor, settings, a ledger lookup, ``now``), checks
the actor's role before anything else, applies the rules of ``incident.domain`` and ``incident.duties``, and
writes the change, its timeline entries and its events (outbox) in one transaction. A use case on one incident
is called ``use_case(session, actor, incident_id, *its_input, now=...)``: the service and the console call them
all the same way.
"""
