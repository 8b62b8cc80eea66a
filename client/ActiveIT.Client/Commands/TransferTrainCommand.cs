using System.CommandLine;
using ActiveIT.Client.Output;
using ActiveIT.Client.Transfer;
using ActiveIT.Core;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Transfer;
using ActiveIT.Engine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit transfer train`: fine-tune the local transfer model on (source, target) pairs.</summary>
internal sealed class TransferTrainCommand : Command
{
    private readonly EngineOptions _engine = new();
    private readonly Option<string> _pairs = new("--pairs") { Description = "JSONL of {\"source\", \"target\"} pairs (e.g. transfers an API made, or seed pairs)", Required = true };
    private readonly Option<string> _out = new("--out") { Description = "Checkpoint to write (.safetensors)", Required = true };
    private readonly Option<string?> _base = new("--base") { Description = "Start from this checkpoint (ActiveIT file or Hugging Face GPT-J folder); default: a new model" };
    private readonly Option<string> _size = new("--size") { Description = "New model's size: tiny, small or medium (layers/heads/width as `bench engine`)", DefaultValueFactory = _ => "small" };
    private readonly Option<int> _context = new("--context") { Description = "New model's context in tokens", DefaultValueFactory = _ => 512 };
    private readonly Option<int> _epochs = new("--epochs") { DefaultValueFactory = _ => 10 };
    private readonly Option<int> _batch = new("--batch-size") { DefaultValueFactory = _ => 16 };
    private readonly Option<float?> _lr = new("--lr")
    {
        Description = "Learning rate; default 1e-3 for a new model, 1e-6 for a Hugging Face GPT-J base (the paper's fine-tuning rate), 1e-4 for an ActiveIT base",
    };
    private readonly Option<int> _seed = new("--seed") { DefaultValueFactory = _ => 0 };

    public TransferTrainCommand() : base("train", "Train the local transfer model on (source, target) pairs (loss on the target only)")
    {
        _engine.AddTo(this);
        foreach (var option in new Option[] { _pairs, _out, _base, _size, _context, _epochs, _batch, _lr, _seed })
        {
            Options.Add(option);
        }
        _size.AcceptOnlyFromAmong("tiny", "small", "medium");
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var line = new ProgressLine();
        try
        {
            var device = _engine.Apply(parse);
            var file = parse.GetValue(_pairs)!;
            if (!File.Exists(file))
            {
                throw new ArgumentException($"--pairs {file}: no such file");
            }
            IReadOnlyList<SeedPair> pairs;
            using (var stream = File.OpenRead(file))
            {
                pairs = SeedPairs.Read(stream, file);
            }
            var seed = (ulong)parse.GetValue(_seed);
            var basePath = parse.GetValue(_base);
            using var model = basePath is not null
                ? GptModel.Load(basePath, device)
                : GptModel.Create(ModelConfig.Preset(parse.GetValue(_size)!, ByteTokenizer.VocabSize) with { MaxSeqLen = parse.GetValue(_context) }, seed, device);
            var (lr, why) = TransferModelTraining.LearningRate(basePath, parse.GetValue(_lr));
            var progress = new Progress<TrainingProgress>(p => line.Update($"step {p.Step}/{p.TotalSteps}, loss {p.Result.Loss:F3}, {p.ElapsedSeconds:F0} s"));
            var run = TransferModelTraining.Train(model, pairs, parse.GetValue(_epochs), parse.GetValue(_batch), lr, seed, progress);
            // The recipe travels with the weights, so a transfer model's provenance can be read back from its file.
            model.Save(parse.GetValue(_out)!, new Dictionary<string, string>
            {
                ["transfer_train_lr"] = ScaleDeviation.Format(lr), ["transfer_train_base"] = basePath ?? "none",
                ["transfer_train_epochs"] = $"{parse.GetValue(_epochs)}", ["transfer_train_batch"] = $"{parse.GetValue(_batch)}", ["transfer_train_pairs"] = $"{pairs.Count}",
            });
            line.Clear();
            Console.WriteLine($"trained on {pairs.Count} pairs at lr {ScaleDeviation.Format(lr)} ({why}): {run.Steps} steps, final epoch loss {run.FinalLoss:F4}, " +
                              $"{run.TargetTokens / run.Seconds:F0} target tokens/s, {run.Seconds:F1} s → {parse.GetValue(_out)}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is ArgumentException or TaskFormatException or IOException or EngineException)
        {
            line.Clear();
            Console.Error.WriteLine($"activeit transfer train: {e.Message}");
            return e is IOException ? ExitCodes.Failure : ExitCodes.InvalidInput;
        }
    }
}
