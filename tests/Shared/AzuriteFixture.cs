namespace ActiveIT.Testing;

/// <summary>A real Azure Storage emulator (Azurite from npm) on 127.0.0.1 and free ports, started by infra/azurite.sh for the test run.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private string? _dir;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var parts = (await InfraScript.RunAsync("azurite.sh", "start")).Trim().Split('\t');
        (_dir, ConnectionString) = (parts[0], parts[1]);
    }

    public async Task DisposeAsync()
    {
        if (_dir is not null)
        {
            await InfraScript.RunAsync("azurite.sh", "stop", _dir);
        }
    }
}

/// <summary>One Azurite for every test class that needs one.</summary>
[CollectionDefinition(nameof(AzuriteCollection))]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
