-- Read-only views of the AudaCities commons for local tools (Datasette, Python, R, spreadsheets,
-- GIS). These views are the documented, stable contract (docs/local-tools.md): columns may be
-- added, never renamed or removed. The tables under them are internal and may change.
--
-- Conventions: ids and keys are 64 lowercase hex characters; times are ISO-8601 UTC text
-- (`2025-03-14T09:26:53.589Z`) next to their milliseconds; lists are comma-separated text;
-- decimals (latitude, longitude, indicator values) are text, exactly as signed — never floats.
-- Values come from each entry's signed JSON (`raw`) or from columns derived from it.
--
-- This file drops and recreates every view, so it can be run again by a later migration.

DROP VIEW IF EXISTS v_entries;
DROP VIEW IF EXISTS v_entry_titles;
DROP VIEW IF EXISTS v_entry_themes;
DROP VIEW IF EXISTS v_entry_tags;
DROP VIEW IF EXISTS v_entry_links;
DROP VIEW IF EXISTS v_places;
DROP VIEW IF EXISTS v_actors;
DROP VIEW IF EXISTS v_actor_relations;
DROP VIEW IF EXISTS v_indicator_observations;
DROP VIEW IF EXISTS v_scenarios;
DROP VIEW IF EXISTS v_counts;
DROP VIEW IF EXISTS v_trusted_cities;

-- One row per entry.
CREATE VIEW v_entries AS
SELECT
    e.id                                                                   AS id,
    e.kind                                                                 AS kind,
    e.lang                                                                 AS lang,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = e.lang)                   AS title,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = 'fr')                     AS title_fr,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = 'en')                     AS title_en,
    json_extract(CAST(e.raw AS TEXT), '$.body.summary."' || e.lang || '"') AS summary,
    json_extract(CAST(e.raw AS TEXT), '$.body.summary.fr')                 AS summary_fr,
    json_extract(CAST(e.raw AS TEXT), '$.body.summary.en')                 AS summary_en,
    (SELECT group_concat(theme, ',') FROM
       (SELECT th.theme FROM entry_themes th
         WHERE th.entry_rowid = e.rowid ORDER BY th.pos))                  AS themes,
    (SELECT group_concat(j.value, ',')
       FROM json_each(CAST(e.raw AS TEXT), '$.body.tags') j)               AS tags,
    (SELECT group_concat(t.lang, ',') FROM
       (SELECT t.lang FROM entry_titles t
         WHERE t.entry_rowid = e.rowid ORDER BY t.lang) t)                 AS languages,
    json_extract(CAST(e.raw AS TEXT), '$.body.licence')                    AS licence,
    json_extract(CAST(e.raw AS TEXT), '$.body.place.name')                 AS place,
    json_extract(CAST(e.raw AS TEXT), '$.body.place.country')              AS country,
    e.city                                                                 AS city,
    e.signer                                                               AS signer,
    strftime('%Y-%m-%dT%H:%M:%fZ', e.created_ms / 1000.0, 'unixepoch')     AS created,
    strftime('%Y-%m-%dT%H:%M:%fZ', e.received_ms / 1000.0, 'unixepoch')    AS received,
    e.created_ms                                                           AS created_ms,
    e.received_ms                                                          AS received_ms,
    e.revises_doc                                                          AS revises,
    length(e.raw)                                                          AS size,
    e.rowid                                                                AS search_rowid
FROM entries e;

-- One row per (entry, language of its title).
CREATE VIEW v_entry_titles AS
SELECT e.id AS id, t.lang AS lang, t.title AS title
FROM entry_titles t JOIN entries e ON e.rowid = t.entry_rowid;

-- One row per (entry, theme), in the draft's order (`position` from 0).
CREATE VIEW v_entry_themes AS
SELECT e.id AS id, e.kind AS kind, th.theme AS theme, th.pos AS position
FROM entry_themes th JOIN entries e ON e.rowid = th.entry_rowid;

-- One row per (entry, free tag).
CREATE VIEW v_entry_tags AS
SELECT e.id AS id, e.kind AS kind, j.value AS tag
FROM entries e, json_each(CAST(e.raw AS TEXT), '$.body.tags') j;

-- One row per link from an entry to another (`target` may not have reached this node yet).
CREATE VIEW v_entry_links AS
SELECT
    e.id                               AS id,
    json_extract(j.value, '$.rel')     AS rel,
    json_extract(j.value, '$.target')  AS target,
    json_extract(j.value, '$.note')    AS note,
    (SELECT 1 FROM entries x
      WHERE x.id = json_extract(j.value, '$.target')) IS NOT NULL AS target_present
FROM entries e, json_each(CAST(e.raw AS TEXT), '$.body.links') j;

-- One row per entry that names a place. lat/lon are decimal text (cast them in your tool).
CREATE VIEW v_places AS
SELECT
    e.id                                                    AS id,
    e.kind                                                  AS kind,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = e.lang)    AS title,
    json_extract(p.place, '$.name')                         AS name,
    json_extract(p.place, '$.city')                         AS place_city,
    json_extract(p.place, '$.region')                       AS region,
    json_extract(p.place, '$.country')                      AS country,
    json_extract(p.place, '$.lat')                          AS lat,
    json_extract(p.place, '$.lon')                          AS lon,
    json_extract(p.place, '$.wikidata')                     AS wikidata,
    e.city                                                  AS city
FROM entries e
JOIN (SELECT rowid AS r, json_extract(CAST(raw AS TEXT), '$.body.place') AS place
        FROM entries) p ON p.r = e.rowid
WHERE p.place IS NOT NULL;

-- One row per actor (platform, operator, city service, commons, user group…).
CREATE VIEW v_actors AS
SELECT
    e.id                                                                  AS id,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = e.lang)                  AS name,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = 'fr')                    AS name_fr,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = 'en')                    AS name_en,
    json_extract(CAST(e.raw AS TEXT), '$.body.actor_category')            AS actor_category,
    json_extract(CAST(e.raw AS TEXT), '$.body.sector')                    AS sector,
    (SELECT group_concat(j.value, ',')
       FROM json_each(CAST(e.raw AS TEXT), '$.body.other_names') j)       AS other_names,
    (SELECT json_extract(j.value, '$.id')
       FROM json_each(CAST(e.raw AS TEXT), '$.body.identifiers') j
      WHERE json_extract(j.value, '$.scheme') = 'wikidata' LIMIT 1)       AS wikidata,
    json_extract(CAST(e.raw AS TEXT), '$.body.parent')                    AS parent,
    e.city                                                                AS city,
    strftime('%Y-%m-%dT%H:%M:%fZ', e.created_ms / 1000.0, 'unixepoch')    AS created
FROM entries e
WHERE e.kind = 'actor';

-- One row per relation between two actors; names are empty while an actor has not arrived.
CREATE VIEW v_actor_relations AS
SELECT
    r.id                                                                  AS id,
    r.subject                                                             AS subject,
    (SELECT t.title FROM entries a JOIN entry_titles t ON t.entry_rowid = a.rowid
      WHERE a.id = r.subject AND t.lang = a.lang)                         AS subject_name,
    r.object                                                              AS object,
    (SELECT t.title FROM entries a JOIN entry_titles t ON t.entry_rowid = a.rowid
      WHERE a.id = r.object AND t.lang = a.lang)                          AS object_name,
    r.relation_kind                                                       AS relation_kind,
    r.valence                                                             AS valence,
    r.title                                                               AS title,
    r.city                                                                AS city,
    r.created                                                             AS created
FROM (
    SELECT
        e.id                                                              AS id,
        json_extract(CAST(e.raw AS TEXT), '$.body.subject')               AS subject,
        json_extract(CAST(e.raw AS TEXT), '$.body.object')                AS object,
        json_extract(CAST(e.raw AS TEXT), '$.body.relation_kind')         AS relation_kind,
        json_extract(CAST(e.raw AS TEXT), '$.body.valence')               AS valence,
        (SELECT t.title FROM entry_titles t
          WHERE t.entry_rowid = e.rowid AND t.lang = e.lang)              AS title,
        e.city                                                            AS city,
        strftime('%Y-%m-%dT%H:%M:%fZ', e.created_ms / 1000.0, 'unixepoch') AS created
    FROM entries e
    WHERE e.kind = 'actor_relation'
) r;

-- One row per observation of an indicator. `value` is decimal text; `unit` is the
-- observation's own unit, or else the indicator's.
CREATE VIEW v_indicator_observations AS
SELECT
    e.id                                                                  AS indicator,
    json_extract(CAST(e.raw AS TEXT), '$.body.code')                      AS code,
    json_extract(CAST(e.raw AS TEXT), '$.body.framework')                 AS framework,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = e.lang)                  AS title,
    json_extract(o.value, '$.area')                                       AS area,
    json_extract(o.value, '$.period')                                     AS period,
    json_extract(o.value, '$.value')                                      AS value,
    coalesce(json_extract(o.value, '$.unit'),
             json_extract(CAST(e.raw AS TEXT), '$.body.unit'))            AS unit,
    json_extract(o.value, '$.source')                                     AS source,
    o.key                                                                 AS position,
    e.city                                                                AS city
FROM entries e, json_each(CAST(e.raw AS TEXT), '$.body.observations') o
WHERE e.kind = 'indicator';

-- One row per scenario.
CREATE VIEW v_scenarios AS
SELECT
    e.id                                                                  AS id,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = e.lang)                  AS title,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = 'fr')                    AS title_fr,
    (SELECT t.title FROM entry_titles t
      WHERE t.entry_rowid = e.rowid AND t.lang = 'en')                    AS title_en,
    json_extract(CAST(e.raw AS TEXT), '$.body.scenario_kind')             AS scenario_kind,
    json_extract(CAST(e.raw AS TEXT), '$.body.horizon_year')              AS horizon_year,
    json_extract(CAST(e.raw AS TEXT), '$.body.plausibility')              AS plausibility,
    json_extract(CAST(e.raw AS TEXT), '$.body.desirability')              AS desirability,
    json_extract(CAST(e.raw AS TEXT),
                 '$.body.focal_question."' || e.lang || '"')              AS focal_question,
    (SELECT count(*) FROM json_each(CAST(e.raw AS TEXT),
                                    '$.body.governance_questions'))       AS governance_questions,
    e.city                                                                AS city,
    strftime('%Y-%m-%dT%H:%M:%fZ', e.created_ms / 1000.0, 'unixepoch')    AS created
FROM entries e
WHERE e.kind = 'scenario';

-- How many entries of each kind, per city.
CREATE VIEW v_counts AS
SELECT e.city AS city, e.kind AS kind, count(*) AS entries,
       strftime('%Y-%m-%dT%H:%M:%fZ', max(e.created_ms) / 1000.0, 'unixepoch') AS latest
FROM entries e
GROUP BY e.city, e.kind;

-- One row per city on this node's trust list (`audacities trust add`), with how many of its
-- entries are stored. The node's own city is always trusted and is not listed; with
-- trust = "open" in config.toml the node takes every city and this list does not restrict it.
CREATE VIEW v_trusted_cities AS
SELECT
    c.city                                                                 AS city,
    c.label                                                                AS label,
    strftime('%Y-%m-%dT%H:%M:%fZ', c.added_ms / 1000.0, 'unixepoch')       AS added,
    c.added_ms                                                             AS added_ms,
    (SELECT count(*) FROM entries e WHERE e.city = c.city)                 AS entries
FROM trusted_cities c;
