-- batch_records (0009) held one row per accepted record; since 0011 accepted rows are stored in
-- batch_chunks and read through the view accepted_batch_records, and nothing writes it.
drop table batch_records;
