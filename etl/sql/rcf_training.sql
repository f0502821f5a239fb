-- Training data of the built-in RCF (ContentType text/csv;label_size=0): the features only, no header, no label,
-- one line per point, under rcf/training/room_id=<room>/ (the partition key is the folder, not a column).
SELECT f1, f2, f3, f4, room_id
FROM rcf_points
