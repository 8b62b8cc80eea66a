using System.Diagnostics;
using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;

namespace ActiveIT.Client.Bench;

/// <summary>One row of `activeit bench scoring`: a way of scoring the same tasks, its median round.</summary>
internal sealed record ScoringBenchmarkResult(
    string Source,
    int Tasks,
    string Model,
    int Context,
    string Precision,
    string Measure,
    int TasksPerCall,
    double Seconds,
    double TasksPerS,
    long ScoredTokens,
    double ScoredTokensPerS,
    double ShareOfRaw,
    double GenerateSeconds,
    double ScoreSeconds,
    int EngineCalls,
    string Scorer);

/// <summary>
/// Prompt-uncertainty scoring against the engine's raw scoring rate on the very same (prompt, output) pairs: "raw"
/// scores the pairs a scoring run produced, in one request; "pu" runs the whole scorer (rendering, greedy outputs,
/// scoring), a number of tasks to a request. Share of raw = the pu row's scored tokens/s over raw's; what is left
/// goes to greedy decoding and rendering. Rounds interleave the measures; each row is its median round.
/// </summary>
internal static class ScoringBenchmark
{
    /// <summary>Passes the calls through, timing each kind of call; with <paramref name="keepPairs"/> (the untimed pass only) it keeps the
    /// pairs scored, the exact input of the raw measure.</summary>
    private sealed class RecordingBackend(IModelBackend inner, bool keepPairs = false) : IModelBackend
    {
        public List<(string Prompt, string Target)> Pairs { get; } = [];
        public double GenerateSeconds { get; private set; }
        public double ScoreSeconds { get; private set; }
        public string ModelId => inner.ModelId;
        public string ModelVersion => inner.ModelVersion;
        public int? ContextLength => inner.ContextLength;

        public Task<IReadOnlyList<string>> TokenizeAsync(string text, CancellationToken cancellationToken = default) => inner.TokenizeAsync(text, cancellationToken);

        public async Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature = 0, ulong seed = 0,
            CancellationToken cancellationToken = default)
        {
            var watch = Stopwatch.StartNew();
            var outputs = await inner.GenerateAsync(prompts, maxNewTokens, temperature, seed, cancellationToken);
            GenerateSeconds += watch.Elapsed.TotalSeconds;
            return outputs;
        }

        public async Task<IReadOnlyList<SequenceScore>> ScoreAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default)
        {
            if (keepPairs)
            {
                Pairs.AddRange(pairs);
            }
            var watch = Stopwatch.StartNew();
            var scores = await inner.ScoreAsync(pairs, cancellationToken);
            ScoreSeconds += watch.Elapsed.TotalSeconds;
            return scores;
        }
    }

    public static async Task<IReadOnlyList<ScoringBenchmarkResult>> RunAsync(string source, IReadOnlyList<InstructionTask> tasks, GptModel model, ScorerConfig config,
        IReadOnlyList<int> tasksPerCall, int rounds, int batchTokens, IProgress<string>? progress)
    {
        var describe = $"{model.Config.Layers}/{model.Config.Heads}/{model.Config.DModel}";
        // An untimed pass first: warms the engine up and records the pairs the raw measure scores.
        var recording = new RecordingBackend(new LocalEngineBackend(model, "bench", "bench", batchTokens), keepPairs: true);
        progress?.Report("warm-up: scoring every task once");
        await new PromptUncertaintyScorer(recording, config).ScoreManyAsync(tasks);
        var pairs = recording.Pairs;
        var scoredTokens = pairs.Sum(p =>
        {
            var encoded = LocalEngineBackend.EncodeAfterPrompt(model.Tokenizer, p.Prompt, p.Target, model.Config.MaxSeqLen);
            return (long)encoded.Prompt.Length + encoded.Target.Length;
        });

        var measures = new List<(string Measure, int PerCall)> { ("raw", 0) };
        measures.AddRange(tasksPerCall.Select(b => ("pu", b)));
        var times = measures.ToDictionary(m => m, _ => new List<(double Seconds, double Generate, double Score, int Calls)>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var measure in measures)
            {
                progress?.Report($"round {round + 1}/{rounds}: {(measure.Measure == "raw" ? "raw scoring" : $"pu, {measure.PerCall} tasks a request")}");
                var engine = new LocalEngineBackend(model, "bench", "bench", batchTokens);
                var backend = new RecordingBackend(engine);
                var watch = Stopwatch.StartNew();
                if (measure.Measure == "raw")
                {
                    await backend.ScoreAsync(pairs);
                }
                else
                {
                    var scorer = new PromptUncertaintyScorer(backend, config);
                    foreach (var chunk in tasks.Chunk(measure.PerCall))
                    {
                        await scorer.ScoreManyAsync(chunk);
                    }
                }
                times[measure].Add((watch.Elapsed.TotalSeconds, backend.GenerateSeconds, backend.ScoreSeconds, engine.EngineCalls));
            }
        }
        var rawSeconds = Median(times[("raw", 0)]).Seconds;
        return [.. measures.Select(m =>
        {
            var (seconds, generate, score, calls) = Median(times[m]);
            return new ScoringBenchmarkResult(source, tasks.Count, describe, model.Config.MaxSeqLen, EngineRuntime.DefaultPrecision.Name(), m.Measure, m.PerCall,
                seconds, tasks.Count / seconds, scoredTokens, scoredTokens / seconds, rawSeconds / seconds, generate, score, calls, config.ToString());
        })];
    }

    private static (double Seconds, double Generate, double Score, int Calls) Median(List<(double Seconds, double Generate, double Score, int Calls)> rounds) =>
        rounds.OrderBy(r => r.Seconds).ElementAt(rounds.Count / 2);
}
