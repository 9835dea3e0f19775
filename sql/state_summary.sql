CREATE VIEW state_summary AS
WITH ranked AS (
    SELECT election_id, candidate, party, votes,
           row_number() OVER (PARTITION BY election_id
                              ORDER BY votes DESC NULLS LAST, legislative_votes DESC NULLS LAST,
                                       electoral_votes DESC NULLS LAST, ballot_order) AS place
    FROM fact_state_result
)
SELECT e.year, s.state, s.state_po, w.candidate AS winner, w.party AS winner_party,
       percent_of(w.votes - coalesce(r.votes, 0), e.total_votes) AS margin_pct,
       e.total_votes,
       (SELECT count(*) FROM fact_county_summary c WHERE c.election_id = e.election_id) AS counties,
       e.electoral_votes,
       r.candidate AS runner_up,
       w.votes - coalesce(r.votes, 0) AS margin_votes
FROM dim_election e
JOIN dim_state s USING (state_fips)
JOIN ranked w ON w.election_id = e.election_id AND w.place = 1
LEFT JOIN ranked r ON r.election_id = e.election_id AND r.place = 2;
COMMENT ON VIEW state_summary IS 'One row per election: who carried the state, by how much, over how many counties.';
COMMENT ON COLUMN state_summary.year IS 'Election year.';
COMMENT ON COLUMN state_summary.state IS 'Full state name.';
COMMENT ON COLUMN state_summary.state_po IS 'State postal code.';
COMMENT ON COLUMN state_summary.winner IS 'Candidate with the most popular votes statewide (the most legislative votes where the legislature chose the electors).';
COMMENT ON COLUMN state_summary.winner_party IS 'Party of the winner.';
COMMENT ON COLUMN state_summary.margin_pct IS 'Winner''s votes minus the runner-up''s, in percent of the statewide total, rounded half away from zero to 2 decimals (a lead of a few hundred votes shows 0.00: margin_votes has it to the vote); NULL without a popular vote.';
COMMENT ON COLUMN state_summary.total_votes IS 'Total popular votes (the results table''s Totals row); NULL without a popular vote.';
COMMENT ON COLUMN state_summary.counties IS 'Reporting units in the by-county table (county-equivalents, wards, state house districts or towns); 0 without one.';
COMMENT ON COLUMN state_summary.electoral_votes IS 'Electoral votes of the state at this election.';
COMMENT ON COLUMN state_summary.runner_up IS 'Candidate with the second most votes.';
COMMENT ON COLUMN state_summary.margin_votes IS 'Winner''s votes minus the runner-up''s: the margin to the vote (Florida 2000: 537); NULL without a popular vote.';
