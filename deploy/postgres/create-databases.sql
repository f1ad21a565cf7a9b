-- One database per subgraph on the compose stack's PostgreSQL server.
CREATE DATABASE gasrapido_accounts;
CREATE DATABASE gasrapido_products;
CREATE DATABASE gasrapido_invitations;
CREATE DATABASE gasrapido_verification;
CREATE DATABASE gasrapido_couriers;
CREATE DATABASE gasrapido_notifications;
CREATE DATABASE gasrapido_orders;
CREATE DATABASE gasrapido_payments;
CREATE DATABASE gasrapido_analytics;
CREATE DATABASE gasrapido_alerts;
