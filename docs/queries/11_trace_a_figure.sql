-- Where a figure comes from: the article file, its version and the line of the row.
SELECT e.source_file, left(e.source_sha256, 12) AS version, f.source_line,
       split(v.text, chr(10))[f.source_line] AS line
FROM fact_county_result f
JOIN dim_election e USING (election_id)
JOIN article_versions v ON v.sha256 = e.source_sha256
WHERE e.year = 2004 AND f.county = 'Jackson' AND f.candidate = 'John Kerry';
