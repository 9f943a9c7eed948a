-- The target schema as the migration's coverage check and transform see it.

-- name: columns()
-- Every column of the public schema's tables (types, numeric precision, nullability).
SELECT table_name, column_name, data_type, udt_name, numeric_precision, numeric_scale,
       is_nullable, column_default
FROM information_schema.columns
WHERE table_schema = 'public'
ORDER BY table_name, ordinal_position;

-- name: enum_labels()
-- The labels of every enum type, in their declared order.
SELECT t.typname, e.enumlabel
FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
ORDER BY t.typname, e.enumsortorder;
