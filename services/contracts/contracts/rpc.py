"""Make refusals arrive at nameko RPC callers as CustodyRefusal, not as a bare RemoteError."""
from nameko.exceptions import deserialize_to_instance

from contracts.errors import CustodyRefusal, IncidentRefusal

deserialize_to_instance(CustodyRefusal)
deserialize_to_instance(IncidentRefusal)
