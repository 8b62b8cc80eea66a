using System.CommandLine;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Client.Pools;

/// <summary>A pool version's cached scores for the scoring options (never scoring anything): from the silo with --silo, else from the local silo's grains.</summary>
internal static class CachedScores
{
    public static async Task<RemoteScoring.Scores> ReadAsync(ParseResult parse, PoolConnection connection, ScoringOptions scoring, string pool, long? version,
        CancellationToken cancellationToken)
    {
        if (SiloHttp.Url(parse.GetValue(connection.Silo)) is { } silo)
        {
            using var http = SiloHttp.CreateClient(silo);
            return await RemoteScoring.CachedAsync(http, pool, parse.GetValue(scoring.Model)!, scoring.Config(parse), cancellationToken, version);
        }
        var (model, backend) = scoring.Open(parse, "cpu");
        using var _ = model;  // null with --backend
        await using var local = await connection.ConnectAsync(parse);
        var scorer = new PoolScorer(local.Grains, backend, scoring.Config(parse));
        return new(scorer.Key.ToString(), await scorer.CachedAsync(pool, version));
    }
}
