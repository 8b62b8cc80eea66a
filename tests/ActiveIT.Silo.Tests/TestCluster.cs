namespace ActiveIT.Silo.Tests;

/// <summary>What the cluster tests share: silo processes joined on one PostgreSQL database, and a client's patience.</summary>
internal static class TestCluster
{
    // Death is declared after two missed 1-second probes, so kill tests wait seconds, not the production default.
    private static readonly string[] FastFailureDetection =
        ["--Orleans:Membership:ProbeTimeout=00:00:01", "--Orleans:Membership:NumMissedProbesLimit=2", "--Orleans:Membership:NumVotesForDeathDeclaration=1"];

    /// <summary>The arguments of silo <paramref name="index"/>: its own data folder, the shared database and cluster id.</summary>
    public static string[] SiloArgs(string connection, string cluster, string dir, int index, params string[] extra) =>
        ["--ActiveIT:Storage=postgres", $"--ActiveIT:ConnectionString={connection}", $"--ActiveIT:ClusterId={cluster}",
            $"--ActiveIT:DataDir={Path.Combine(dir, $"silo{index}")}", .. FastFailureDetection, .. extra];

    public static string NewClusterId() => "c" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// Until membership declares a killed silo dead, calls to grains it held fail (the silo answers 503 with
    /// Retry-After); a client retries, as a user would.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                var result = await call();
                if (result is HttpResponseMessage { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable } && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(250);
                    continue;
                }
                return result;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
