/// One kind of secret that ``SecretRedactor`` removes before an event leaves the host.
///
/// Rules are data, not regular expressions: each kind is a small byte matcher, so a redactor
/// looks at each argument once and costs little when nothing matches (the agent handles tens
/// of thousands of events a second). ``RedactionConfiguration`` is the YAML-friendly shape
/// the agent configuration loads them from; ``defaults`` lists what is on out of the box.
///
/// Executable scopes are basenames (`mysql`, not `/usr/bin/mysql`) compared with both the
/// basename of `exe` and of `argv[0]`, because `-p` means a password only to some programs:
/// `mysql -pSECRET` but `ssh -p 22`, `mkdir -p dir`.
public enum RedactionRule: Sendable, Hashable {
    /// An option whose value is secret, given as `NAME=value` in one argument or as `NAME value`
    /// over two: `--password=x`, `--password x`, `sshpass -p x`, `aws configure set aws_secret_access_key x`.
    /// A name need not start with `-`. An empty `executables` means every program.
    case optionWithValue(names: [String], executables: [String] = [])
    /// A short option glued to its value, `-pSECRET`, for the listed programs only. The bare
    /// option (`mysql -p`, which prompts) is left alone, and so is the next argument: for the
    /// mysql client `-p db` means "prompt, then use database db".
    case gluedOption(name: String, executables: [String])
    /// `NAME=value` anywhere in an argument when NAME (letters, digits, `_`) ends with one of
    /// the suffixes, compared without case: `PGPASSWORD=x`, `sh -c "DB_PASSWORD=x run"`,
    /// `GITHUB_TOKEN=x`, libpq's `"host=db password=x"`.
    case assignment(nameSuffixes: [String])
    /// A name followed by `=` or `:` with optional quotes and spaces, then the value:
    /// `aws_secret_access_key = x`, `{"aws_secret_access_key": "x"}`, `password:x`. Names compare
    /// without case. An unquoted name takes `:` only with the value right after it, because
    /// `password: ` is more often prose or a grep pattern than a secret.
    case keyedValue(names: [String])
    /// The password of a URL's user information: `postgres://user:PASS@host`, `https://u:PASS@h/`.
    /// The user name is kept: it is evidence, not a secret.
    case urlCredentials
    /// AWS access key ids: `AKIA` or `ASIA` and 16 more of `[0-9A-Z]`, as a whole word.
    case awsAccessKeyID
    /// `Bearer TOKEN` (as in `Authorization: Bearer …`), with a token of at least 8 characters
    /// of `[A-Za-z0-9-._~+/=]` (RFC 6750 `b64token`) so that prose such as "a bearer token" is left alone.
    case bearerToken
}

extension RedactionRule {
    /// Clients of MySQL and MariaDB that read `-pPASSWORD` (mysql(1), "--password[=password], -p[password]").
    public static let mysqlClients = [
        "mysql", "mysqldump", "mysqladmin", "mysqlcheck", "mysqlimport", "mysqlshow", "mysqlslap", "mysqlpump",
        "mysqlbinlog", "mysqlsh", "mariadb", "mariadb-dump", "mariadb-admin", "mariadb-check", "mariadb-import",
        "mariadb-show", "mariadb-slap", "mariadb-binlog",
    ]

    /// LDAP tools whose `-w` is the bind password (ldapsearch(1)).
    public static let ldapClients = [
        "ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapmodrdn", "ldapwhoami", "ldappasswd", "ldapcompare",
        "ldapexop",
    ]

    /// What a redactor removes unless configured otherwise.
    ///
    /// Long options that carry a secret in any program; short options for the programs where they
    /// mean a password (`sshpass -p`, `redis-cli -a`, `ldapsearch -w`, `curl -u user:pass`,
    /// `openssl -passin pass:x`); the AWS CLI's `configure set` keys; the environment-style
    /// assignments `*PASSWORD=`, `*PASSWD=`, `*SECRET=`, `*TOKEN=`, `*API_KEY=`…; URL passwords;
    /// AWS access key ids and secret keys; bearer tokens.
    public static let defaults: [RedactionRule] = [
        .optionWithValue(names: [
            "--password", "--passwd", "--pass", "--passphrase", "--token", "--access-token", "--auth-token",
            "--api-key", "--apikey", "--secret", "--client-secret", "--secret-key", "--secret-access-key",
            "--aws-secret-access-key", "--db-password", "--admin-password", "--root-password",
        ]),
        .optionWithValue(names: ["-p"], executables: ["sshpass"]),
        .optionWithValue(names: ["-a", "--pass", "--askpass"], executables: ["redis-cli", "valkey-cli"]),
        .optionWithValue(names: ["-w"], executables: ldapClients),
        .optionWithValue(names: ["-u", "--user", "--proxy-user"], executables: ["curl"]),
        .optionWithValue(names: ["-passin", "-passout", "-pass", "-k", "-kfile"], executables: ["openssl"]),
        .optionWithValue(
            names: ["aws_secret_access_key", "aws_session_token"], executables: ["aws"]
        ),
        .gluedOption(name: "-p", executables: mysqlClients + ["sshpass"]),
        .gluedOption(name: "-a", executables: ["redis-cli", "valkey-cli"]),
        .gluedOption(name: "-w", executables: ldapClients),
        .gluedOption(name: "-u", executables: ["curl"]),
        .assignment(nameSuffixes: [
            "PASSWORD", "PASSWD", "PASSPHRASE", "_PASS", "SECRET", "TOKEN", "API_KEY", "APIKEY", "SECRET_KEY",
            "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIALS",
        ]),
        .keyedValue(names: ["aws_secret_access_key", "aws_session_token", "password", "client_secret"]),
        .urlCredentials,
        .awsAccessKeyID,
        .bearerToken,
    ]
}
