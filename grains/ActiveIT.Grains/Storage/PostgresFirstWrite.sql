-- ActiveIT's own addition to Orleans' PostgreSQL grain storage (not part of the vendored scripts in Sql/).
--
-- Orleans' WriteToStorage inserts a grain's first state with INSERT ... WHERE NOT EXISTS. Under PostgreSQL's
-- default READ COMMITTED isolation two first writers of one grain both see "no row" and both insert; from then on
-- every read of that grain fails ("Sequence contains more than one element") and the state is lost to Orleans.
-- This trigger serialises first writes per grain on a transaction-scoped advisory lock and, once it holds the
-- lock, skips the insert when a row already exists (a fresh snapshot per statement sees the winner's commit).
-- WriteToStorage then reports no new version and Orleans raises InconsistentStateException, as for any stale
-- write. Updates are untouched.

CREATE OR REPLACE FUNCTION activeit_orleansstorage_first_write() RETURNS trigger
    LANGUAGE plpgsql
AS $function$
BEGIN
    PERFORM pg_advisory_xact_lock(72365041, NEW.grainidhash);
    IF EXISTS (
        SELECT 1 FROM orleansstorage
        WHERE grainidhash = NEW.grainidhash AND graintypehash = NEW.graintypehash
          AND grainidn0 = NEW.grainidn0 AND grainidn1 = NEW.grainidn1
          AND graintypestring = NEW.graintypestring AND serviceid = NEW.serviceid
          AND grainidextensionstring IS NOT DISTINCT FROM NEW.grainidextensionstring)
    THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$function$;


CREATE TRIGGER activeit_orleansstorage_first_write BEFORE INSERT ON orleansstorage
    FOR EACH ROW EXECUTE FUNCTION activeit_orleansstorage_first_write();
