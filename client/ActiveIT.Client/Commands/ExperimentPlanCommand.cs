using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment plan A B …`: from a pilot's paired spread, the difference each seed count can detect and the
/// seeds a target difference needs (80 % power, 5 % two-sided paired t-test).</summary>
internal sealed class ExperimentPlanCommand : Command
{
    private readonly Argument<string[]> _names = new("names") { Description = "Pilot experiments (the baseline among them)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string[]> _csv = new("--csv")
    {
        Description = "Earlier records instead of (or beside) stored experiments: CSV files written by `experiment compare --csv` or `experiment results --csv`",
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<string?> _baseline = new("--baseline") { Description = "Experiment the others are paired against (default: the first random one); several, comma-separated (draws of random): their mean per seed" };
    private readonly Option<int?> _round = new("--round") { Description = "Round to plan for (default: the last round each experiment shares with the baseline)" };
    private readonly Option<string> _seeds = new("--seeds") { Description = "Seed counts to show the detectable difference for", DefaultValueFactory = _ => "3,5,10,20,50" };
    private readonly Option<double> _target = new("--target") { Description = "The true difference (×100, in the metric's points) to detect", DefaultValueFactory = _ => 1.0 };
    private readonly Option<string> _endpoint = new("--endpoint")
    {
        Description = "round: pair each round's value; curve: pair each seed's mean over rounds 1..R (the area under its learning curve), steadier when rounds differ partly at random",
        DefaultValueFactory = _ => "round",
    };
    private readonly ExperimentConnection _connection = new();

    public ExperimentPlanCommand() : base("plan", "How many seeds a comparison needs: the pilot's paired spread, the detectable difference per seed count, the seeds for a target")
    {
        Arguments.Add(_names);
        Options.Add(_csv);
        Options.Add(_baseline);
        _endpoint.AcceptOnlyFromAmong(SeedScores.Endpoints);
        Options.Add(_endpoint);
        Options.Add(_round);
        Options.Add(_seeds);
        Options.Add(_target);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var names = parse.GetValue(_names) ?? [];
        var files = parse.GetValue(_csv) ?? [];
        var target = parse.GetValue(_target);
        int[] seeds;
        try
        {
            seeds = [.. parse.GetValue(_seeds)!.Split(',', StringSplitOptions.TrimEntries).Select(s =>
                int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 2 ? n : throw new ArgumentException($"--seeds: '{s}' is not a count of at least 2"))];
            if (names.Length + files.Length == 0)
            {
                throw new ArgumentException("name the pilot experiments, or give --csv with earlier records");
            }
            if (!(target > 0 && double.IsFinite(target)))
            {
                throw new ArgumentException($"--target: {target.ToString(CultureInfo.InvariantCulture)} is not a positive difference");
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"activeit experiment plan: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        var scores = new List<SeedScores>();
        foreach (var file in files)
        {
            try
            {
                scores.AddRange(SeedScoresCsv.Read(file));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"activeit experiment plan: {(e is FormatException ? e.Message : $"{file}: {e.Message}")}");
                return ExitCodes.InvalidInput;
            }
        }
        if (names.Length == 0)
        {
            return Report(parse, scores, seeds, target);
        }
        return await _connection.RunAsync(parse, async (service, _) =>
        {
            foreach (var name in names)
            {
                var experiment = await service.GetAsync(name, cancellationToken) ?? throw new KeyNotFoundException($"no experiment '{name}'");
                scores.Add(SeedScores.Of(experiment));
            }
            return Report(parse, scores, seeds, target);
        });
    }

    private int Report(ParseResult parse, IReadOnlyList<SeedScores> scores, int[] seeds, double target)
    {
        IReadOnlyList<PowerPlan> plans;
        try
        {
            var duplicate = scores.GroupBy(s => s.Experiment).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ArgumentException($"experiment '{duplicate.Key}' is given twice");
            }
            var atEndpoint = SeedScores.At(scores, parse.GetValue(_endpoint)!);
            var baseline = PairedDifference.ChooseBaseline(atEndpoint, parse.GetValue(_baseline));
            plans = PowerPlan.Of(atEndpoint, baseline, parse.GetValue(_round), seeds, target);
            if (plans.Count == 0)
            {
                throw new ArgumentException($"no experiment shares an evaluated round and seed with the baseline '{baseline.Experiment}'");
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"activeit experiment plan: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(new { power = 0.8, alpha = 0.05, endpoint = parse.GetValue(_endpoint), plans }, Json.Options));
            return ExitCodes.Success;
        }
        var curve = parse.GetValue(_endpoint) == "curve";
        var table = new TextTable(["experiment", curve ? "rounds 1.." : "round", "pilot seeds", "difference", "sd", "sd ≤ (95 %)", .. seeds.Select(n => $"detectable @{n}"),
            $"seeds for {target:0.##}", "at sd bound"]);
        static string Points(double x) => double.IsNaN(x) ? "-" : x.ToString("F2", CultureInfo.InvariantCulture);
        static string Count(int? n) => n is { } x ? x.ToString(CultureInfo.InvariantCulture) : "> 10⁶";
        foreach (var p in plans)
        {
            var noSpread = double.IsNaN(p.Sd);
            table.Add([p.Experiment, p.Round, p.PilotSeeds, p.Mean.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture), Points(p.Sd), Points(p.SdUpper),
                .. seeds.Select(n => Points(p.DetectableBySeeds[n])), noSpread ? "-" : Count(p.SeedsNeeded), noSpread ? "-" : Count(p.SeedsNeededAtSdUpper)]);
        }
        table.FitToRows();
        Console.WriteLine($"paired against {plans[0].Baseline}{(curve ? ", each seed's mean over rounds 1..R" : "")}, ×100: two-sided paired t-test at 5 %, 80 % power. sd: spread of the pilot's per-seed " +
            "differences, with the 95 % upper bound of the true spread; detectable @n: the smallest true difference n seeds detect at that sd; " +
            $"seeds for {target:0.##}: seeds to detect a true difference of {target:0.##} (at the sd, and at its upper bound)\n");
        Console.WriteLine(table);
        if (plans.Any(p => double.IsNaN(p.Sd)))
        {
            Console.WriteLine("\n'-': a pilot needs at least 2 seeds shared with the baseline to estimate the spread");
        }
        return ExitCodes.Success;
    }
}
