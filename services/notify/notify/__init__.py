"""Notifications: render event e-mails from templates and send them over SMTP."""
