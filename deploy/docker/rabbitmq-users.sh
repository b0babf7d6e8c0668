#!/bin/sh
# One RabbitMQ user per part of the system (docker-compose's one-shot "broker-users", run in the
# rabbitmq image against the management API; safe to run again: it re-declares and re-sets passwords).
# Each user may use the vhost only. Narrowing each one's configure/write/read patterns to the exchanges
# and queues it needs is the security work's next step (docs/operations.md, "Broker users").
set -eu
admin() {
  rabbitmqadmin --host=rabbitmq --port=15672 --username="$RABBITMQ_ADMIN_USER" \
    --password="$RABBITMQ_ADMIN_PASSWORD" "$@"
}
admin declare vhost name="$RABBITMQ_VHOST" >/dev/null
for part in custody incident notify console kiosk; do
  password=$(printenv "$(echo "$part" | tr '[:lower:]' '[:upper:]')_AMQP_PASSWORD")
  [ -n "$password" ] || { echo "no password for the RabbitMQ user $part" >&2; exit 1; }
  admin declare user name="$part" password="$password" tags= >/dev/null
  admin declare permission vhost="$RABBITMQ_VHOST" user="$part" configure='.*' write='.*' read='.*' >/dev/null
  echo "RabbitMQ user $part: vhost $RABBITMQ_VHOST"
done
