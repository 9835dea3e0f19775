CREATE TABLE dim_party (
    party          VARCHAR NOT NULL,
    national_party VARCHAR NOT NULL,
    family         VARCHAR NOT NULL CHECK (family IN ('Republican', 'Democratic', 'Other'))
);
COMMENT ON TABLE dim_party IS 'Parties named in any loaded article, by short name (''Republican'', ''Write-in'', ''Other''), with the national party and the party family each counts in (docs/margins.md): margins, swing, flips and the MEDSL export read parties through this table, never by exact label.';
COMMENT ON COLUMN dim_party.party IS 'Short party name: ''Republican Party (United States)'' and the by-county header ''Republican'' both become ''Republican''; ''Other'' is the by-county column of all other parties.';
COMMENT ON COLUMN dim_party.national_party IS 'The national party the party stands for: ''Democratic'' for Minnesota''s ''Democratic–Farmer–Labor'' and North Dakota''s ''Democratic–NPL'', ''Republican'' for ''Republican Party of Minnesota''; the party itself otherwise. Computed flips compare winners by it.';
COMMENT ON COLUMN dim_party.family IS 'Party family of the margins: ''Republican'' or ''Democratic'' where national_party is one of them (a state affiliate counts as its national party), ''Other'' for every other party (Libertarian, Green, Whig, American Independent, the by-county ''Other'' column…).';
INSERT INTO table_keys VALUES
    ('dim_party', 'primary key', ['party'], NULL, NULL);
