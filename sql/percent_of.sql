CREATE MACRO percent_of(part, whole) AS
    CASE WHEN whole > 0 THEN CAST(
        CAST(sign(part) * ((abs(CAST(part AS HUGEINT)) * 20000 + whole)
                           // (2 * CAST(whole AS HUGEINT))) AS DECIMAL(38, 0)) * 0.01
        AS DECIMAL(5, 2))
    END;
COMMENT ON MACRO percent_of IS 'part as a percentage of whole (whole > 0, both whole numbers), rounded half away from zero to 2 decimals in exact integer arithmetic, as DECIMAL(5,2): the margins and swings of the views (never a -0.00); NULL where whole is 0 or NULL.';
