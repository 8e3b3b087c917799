-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d/).
-- One database per service (architecture.md), all owned by the application role that
-- POSTGRES_USER created. Each service's `socreg migrate` creates the tables in its own database.
CREATE DATABASE registry OWNER socreg;
CREATE DATABASE inspection OWNER socreg;
CREATE DATABASE search OWNER socreg;
