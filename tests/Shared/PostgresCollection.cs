namespace ActiveIT.Testing;

/// <summary>One PostgreSQL server for every test class that needs one.</summary>
[CollectionDefinition(nameof(PostgresCollection))]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
