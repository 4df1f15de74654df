import Storage
import Testing

@Suite("Splitting migration scripts into statements")
struct SQLScriptTests {
    @Test func splitsAtTopLevelSemicolonsOnly() {
        let script = """
            -- leading comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'a;b');
            /* block; /* nested; */ comment */ SELECT "odd;name" FROM a;
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
            BEGIN RETURN 1; END
            $body$;
            SELECT E'it\\'s; fine', 'doubled '';quote', $1::text;
            DO $$ BEGIN PERFORM 1; END $$
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 5)
        #expect(statements[0].text == "CREATE TABLE a (x text DEFAULT 'a;b')")
        #expect(statements[0].line == 2)
        #expect(statements[1].text.hasSuffix(#"SELECT "odd;name" FROM a"#))
        #expect(statements[2].text.hasPrefix("CREATE FUNCTION f()"))
        #expect(statements[2].text.contains("BEGIN RETURN 1; END"))
        #expect(statements[2].line == 4)
        #expect(statements[3].text == #"SELECT E'it\'s; fine', 'doubled '';quote', $1::text"#)
        #expect(statements[4].text == "DO $$ BEGIN PERFORM 1; END $$")
        #expect(statements[4].line == 8)
    }

    @Test func emptyAndCommentOnlyScriptsHaveNoStatements() {
        #expect(SQLScript.statements(in: "").isEmpty)
        #expect(SQLScript.statements(in: "-- nothing here;\n  \n;;").isEmpty)
    }

    @Test func unterminatedQuotesDoNotCrash() {
        let statements = SQLScript.statements(in: "SELECT 'open; $tag$ never closed")
        #expect(statements.count == 1)
    }
}
