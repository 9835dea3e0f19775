CREATE TABLE dim_party (
    party VARCHAR PRIMARY KEY
);
COMMENT ON TABLE dim_party IS 'Parties named in any loaded article, by short name (''Republican'', ''Write-in'', ''Other'').';
COMMENT ON COLUMN dim_party.party IS 'Short party name: ''Republican Party (United States)'' and the by-county header ''Republican'' both become ''Republican''; ''Other'' is the by-county column of all other parties.';
