-- Schema version 13: each merchant's name skeleton (Unicode TR39, ledger/merchants.rs), so a
-- name a payer could take for a registered merchant's is refused at registration. Merchants
-- registered before get theirs at the next registration.
ALTER TABLE merchants ADD COLUMN name_skeleton TEXT;
CREATE INDEX merchants_by_name_skeleton ON merchants (name_skeleton);
