CREATE TABLE dim_party (
    party          VARCHAR PRIMARY KEY,
    national_party VARCHAR NOT NULL
);
COMMENT ON TABLE dim_party IS 'Parties named in any loaded article, by short name (''Republican'', ''Write-in'', ''Other'').';
COMMENT ON COLUMN dim_party.party IS 'Short party name: ''Republican Party (United States)'' and the by-county header ''Republican'' both become ''Republican''; ''Other'' is the by-county column of all other parties.';
COMMENT ON COLUMN dim_party.national_party IS 'The national party the party stands for: ''Democratic'' for Minnesota''s ''Democratic–Farmer–Labor'', ''Republican'' for ''Republican Party of Minnesota''; the party itself otherwise. Margins and swing count a state affiliate''s votes as its national party''s.';
