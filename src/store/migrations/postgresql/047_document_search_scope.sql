-- 047_document_search_scope.sql - the registers' search on PostgreSQL asks
-- one GIN index for exact terms, the scope among them (docs/performance.md,
-- "Document search"). SQLite's equivalent is its 042.
--
-- 028's index held the words, each searched word a prefix (`giao:*`): GIN
-- reads every term a prefix starts (59-226 ms per search over 1,000,000
-- documents), and the scope was checked on the heap, row by row. Now column
-- search_terms holds, for each word of search_folded (as to_tsvector
-- 'simple' splits it, the same words as 028's), its prefixes of 1 to 7
-- characters (a folded Vietnamese syllable has at most 7 letters), and "#"
-- and the id of every unit on the paths of the document's unit and drafting
-- unit, the units included ('#' is never in a word of the parser). A searched
-- word of at most 7 characters is then one exact term, true exactly when a
-- word of the document starts with it; a longer one is its first 7
-- characters in the index, the document's words (column search, 028)
-- checked with the prefix itself. The scope of unit X (store_document.c's
-- LIST_COND) is exactly the documents holding '#X'.
--
-- search_terms is kept by trigger, not generated: it reads unit. A unit's
-- path never changes in place today (docs/units.md), but if it does, its
-- documents' terms are made again.
ALTER TABLE document ADD COLUMN search_terms tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION document_search_terms(folded text, unit_id bigint, drafting_unit_id bigint)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce(array_to_tsvector(array_agg(DISTINCT t)), ''::tsvector) FROM (
		SELECT left(w, k) AS t
		FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, folded))) AS w,
			generate_series(1, least(7, length(w))) AS k
		UNION ALL
		SELECT '#' || p FROM unit u, unnest(string_to_array(trim(BOTH '/' FROM u.path), '/')) AS p
		WHERE u.id IN (unit_id, drafting_unit_id) AND p <> ''
	) s
$$;

-- The search of the folded words in the scope of the unit at path (as
-- "/1/5/23/"): each word's term (its first 7 characters) and the scope's,
-- all required; no scope's term for a province's path ("/1/", every document
-- is in it, as SQLite's search, store_document.c); NULL, which matches
-- nothing, for text with no word, as 028's. IMMUTABLE, so that the planner
-- computes it from the values of a statement planned for them and reads the
-- terms' frequencies (store_document.c plans the search at every run).
CREATE FUNCTION document_search_query(words text, scope_path text)
RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN count(*) FILTER (WHERE NOT s) > 0 THEN string_agg(
		'''' || replace(replace(t, '\', '\\'), '''', '''''') || '''', ' & ')::tsquery END
	FROM (
		SELECT DISTINCT left(w, 7) AS t, false AS s
		FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, words))) AS w
		UNION ALL
		SELECT '#' || p[cardinality(p)], true
		FROM string_to_array(trim(BOTH '/' FROM scope_path), '/') AS p
		WHERE cardinality(p) > 1
	) q
$$;

-- The words longer than 7 characters as prefixes, for column search (028);
-- NULL when there is none.
CREATE FUNCTION document_search_long(words text)
RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT string_agg('''' || replace(replace(w, '\', '\\'), '''', '''''') || ''':*', ' & ')::tsquery
	FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, words))) AS w
	WHERE length(w) > 7
$$;

CREATE FUNCTION document_search_terms_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.search_terms := document_search_terms(NEW.search_folded, NEW.unit_id, NEW.drafting_unit_id);
	RETURN NEW;
END
$$;
CREATE TRIGGER document_search_terms BEFORE INSERT OR UPDATE OF search_folded, unit_id, drafting_unit_id
ON document FOR EACH ROW EXECUTE FUNCTION document_search_terms_set();

-- A unit whose path changes: its documents' terms are made again (the
-- trigger above, by naming unit_id); a subtree's move changes each unit's
-- path, so each unit's documents.
CREATE FUNCTION unit_document_terms_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE document SET unit_id = unit_id WHERE unit_id = NEW.id OR drafting_unit_id = NEW.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER unit_document_terms AFTER UPDATE OF path ON unit
FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION unit_document_terms_set();

-- Every row's terms, the table rewritten (an UPDATE would leave the old
-- rows' space in front of the new ones: a sequential scan would read the
-- whole of it before the first match).
ALTER TABLE document ALTER COLUMN search_terms TYPE tsvector
	USING document_search_terms(search_folded, unit_id, drafting_unit_id);

-- 028's index is read no more (the longer words are checked on the rows the
-- new one finds).
DROP INDEX document_search;
CREATE INDEX document_search_terms ON document USING gin (search_terms) WITH (fastupdate = off);
-- The terms' frequencies, which the planner reads to choose between the
-- index and the table newest first (store_document.c), known at once.
ANALYZE document;
