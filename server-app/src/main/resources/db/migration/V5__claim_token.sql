-- A claim's token, chosen once per claim request: a claim transaction retried after its commit's acknowledgement
-- was lost finds the run it already claimed instead of claiming a second one.
ALTER TABLE runs ADD COLUMN claim_token VARCHAR(36);
CREATE INDEX runs_by_claim_token ON runs (claim_token);
