enum PostgresFixturePlaceholder {}
