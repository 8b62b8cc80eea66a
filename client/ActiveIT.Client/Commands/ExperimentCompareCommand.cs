using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment compare A B …`: learning curves side by side (mean ± std over seeds), as a table and an SVG plot,
/// and each experiment's difference to a baseline, paired by seed, with its 95 % interval and the difference the seeds can detect.</summary>
internal sealed class ExperimentCompareCommand : Command
{
    private readonly Argument<string[]> _names = new("names") { Description = "Experiments to compare", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string?> _svg = new("--svg") { Description = "Write the learning curves as an SVG plot to this file" };
    private readonly Option<string?> _csv = new("--csv") { Description = "Write every seed's rounds of every experiment as CSV to this file" };
    private readonly Option<string?> _pairedSvg = new("--paired-svg") { Description = "Write each experiment's paired difference to the baseline (95 % interval bars) as an SVG plot" };
    private readonly Option<string?> _rankingSvg = new("--ranking-svg") { Description = "Write the ranking (each experiment's gain over the baseline with its 95 % interval, best first) as an SVG plot" };
    private readonly Option<string?> _baseline = new("--baseline") { Description = "Experiment the others are paired against (default: the first random one); several, comma-separated (draws of random): their mean per seed" };
    private readonly Option<string> _endpoint = new("--endpoint")
    {
        Description = "round: pair each round's value; curve: pair each seed's mean over rounds 1..R (the area under its learning curve), steadier when rounds differ partly at random",
        DefaultValueFactory = _ => "round",
    };
    private readonly ExperimentConnection _connection = new();

    public ExperimentCompareCommand() : base("compare", "Compare experiments' learning curves (held-out metric by training tasks, mean ± std over seeds)")
    {
        Arguments.Add(_names);
        Options.Add(_svg);
        Options.Add(_csv);
        Options.Add(_pairedSvg);
        Options.Add(_rankingSvg);
        Options.Add(_baseline);
        _endpoint.AcceptOnlyFromAmong(SeedScores.Endpoints);
        Options.Add(_endpoint);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, _) =>
    {
        var experiments = new List<Grains.Curriculum.Experiment>();
        foreach (var name in parse.GetValue(_names)!)
        {
            experiments.Add(await service.GetAsync(name, cancellationToken) ?? throw new KeyNotFoundException($"no experiment '{name}'"));
        }
        if (parse.GetValue(_svg) is { } svg)
        {
            await File.WriteAllTextAsync(svg, ExperimentReport.Svg(experiments), cancellationToken);
        }
        if (parse.GetValue(_csv) is { } csv)
        {
            await File.WriteAllTextAsync(csv, ExperimentReport.Csv(experiments), cancellationToken);
        }
        var endpoint = parse.GetValue(_endpoint)!;
        var scores = SeedScores.At(experiments.Select(SeedScores.Of), endpoint);
        var baseline = PairedDifference.ChooseBaseline(scores, parse.GetValue(_baseline));
        var paired = PairedDifference.Of(scores, baseline);
        if (parse.GetValue(_pairedSvg) is { } pairedSvg)
        {
            await File.WriteAllTextAsync(pairedSvg, ExperimentReport.PairedSvg(experiments, paired), cancellationToken);
        }
        var ranking = ArenaRanking.Of(experiments, paired, baseline);
        if (parse.GetValue(_rankingSvg) is { } rankingSvg)
        {
            await File.WriteAllTextAsync(rankingSvg, ArenaRankingOutput.Svg(ranking, baseline.Experiment, endpoint == "curve" ? "the mean over rounds 1..R" : $"round {ranking.Select(r => r.Round).DefaultIfEmpty(0).Max()}"),
                cancellationToken);
        }
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                experiments = experiments.Select(e => new
                {
                    experiment = e.Name, e.Config.Strategy, curve = ExperimentReport.Curve(e), unseen_category_curve = ExperimentReport.Curve(e, unseenCategories: true),
                }),
                baseline = baseline.Experiment,
                baseline_members = baseline.Members,
                endpoint,
                paired,
                ranking,
            }, Json.Options));
            return ExitCodes.Success;
        }
        Console.WriteLine($"held-out {ExperimentReport.Metric(experiments[0])} (×100), mean ± std over seeds (seeds finished)\n");
        Console.WriteLine(ExperimentReport.Compare(experiments));
        if (ExperimentReport.HasUnseenCategories(experiments))
        {
            Console.WriteLine($"\non tasks of held-out categories (never trained on):\n");
            Console.WriteLine(ExperimentReport.Compare(experiments, unseenCategories: true));
        }
        if (paired.Count > 0)
        {
            var what = endpoint == "curve" ? " (each seed's mean over rounds 1..R; R: the round column)" : "";
            var against = baseline.Members.Count > 1 ? $"the mean of {string.Join(", ", baseline.Members)}" : baseline.Experiment;
            Console.WriteLine($"\ndifference to {against}, paired by seed{what}, with its 95 % t interval (×100; per category where the evaluation has several);\n" +
                "sd: spread of the per-seed differences; detectable: the smallest true difference these seeds find with 80 % power " +
                "(5 % two-sided) at that spread (`activeit experiment plan` for other seed counts)\n");
            Console.WriteLine(ExperimentReport.Paired(paired));
            Console.WriteLine($"\nranking: gain over {against} at one round all share, best first, with the median selection and training seconds per round " +
                "(selection over the rounds that scored their own candidates; cached: always read another strategy's scores)\n");
            Console.WriteLine(ArenaRankingOutput.Table(ranking));
        }
        return ExitCodes.Success;
    });
}
