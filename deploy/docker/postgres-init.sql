-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d, as the superuser):
-- one database per service, each owned by that service's own login and closed to the others, so a
-- leaked custody password reads nothing of the incident files. The passwords come from the postgres
-- container's environment (docker-compose.yml, from .env); psql's \getenv needs psql 15 or newer.
\getenv custody_password CUSTODY_DB_PASSWORD
\getenv incident_password INCIDENT_DB_PASSWORD
\getenv notify_password NOTIFY_DB_PASSWORD

CREATE ROLE custody LOGIN PASSWORD :'custody_password';
CREATE ROLE incident LOGIN PASSWORD :'incident_password';
CREATE ROLE notify LOGIN PASSWORD :'notify_password';

CREATE DATABASE custody OWNER custody;
CREATE DATABASE incident OWNER incident;
CREATE DATABASE notify OWNER notify;

-- every role may connect to every database unless told otherwise: only the owner may
REVOKE CONNECT, TEMPORARY ON DATABASE custody FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE incident FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE notify FROM PUBLIC;
