"""The incident use cases, one module per stage of the response.

- ``opening``: an incident from custody's possible loss or a person's report; custody's recovered / marked lost.
- ``reporting``: the loss report's versions, the timeline, the facts behind the duties, a duty done.
- ``closing``: review, prevention actions, measures toward the employee, the close.
- ``common``: what they share (find the incident, write the timeline, reassess the duties, say "updated").

Each use case takes its dependencies as arguments (session, actor, now, settings, a ledger lookup), checks the
role first, applies the rules of ``incident.domain`` / ``incident.duties``, writes the file, its timeline and
its events (outbox) in one transaction, and commits.
"""
