-- Idempotency keys are kept for a retry window, then purged oldest first: this index finds them.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_us);
