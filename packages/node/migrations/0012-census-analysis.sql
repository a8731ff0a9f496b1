-- The census analysis and the sharing evaluation read the audit log per resource: the calls to a
-- resource, the last one, and the last change seen (events delivered, batches pushed).
create index audit_entries_resource on audit_entries (resource_code, at) where resource_code is not null;
