using System.CommandLine;
using ActiveIT.Engine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit model …`: what is in a checkpoint, and LoRA adapters merged into their base.</summary>
internal sealed class ModelCommand : Command
{
    public ModelCommand() : base("model", "Inspect a checkpoint; merge LoRA adapters into their base")
    {
        Subcommands.Add(new ModelShowCommand());
        Subcommands.Add(new ModelMergeCommand());
    }
}

/// <summary>`activeit model show PATH`: architecture, size, tokenizer and adapters of a checkpoint as the engine reads it.</summary>
internal sealed class ModelShowCommand : Command
{
    private readonly Argument<string> _path = new("path") { Description = "An ActiveIT .safetensors file, a Hugging Face folder, or a PEFT LoRA folder" };

    public ModelShowCommand() : base("show", "The architecture, size, tokenizer and adapters of a checkpoint")
    {
        Arguments.Add(_path);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var path = parse.GetValue(_path)!;
        try
        {
            using var model = GptModel.Load(path);
            var c = model.Config;
            Console.WriteLine($"{path}");
            Console.WriteLine($"  architecture  {c.Architecture}: {c.Layers} layers, width {c.DModel}, {c.Heads} heads of {c.HeadDim}" +
                (c.IsLlama ? $", {c.KvHeadCount} key/value heads, SwiGLU {c.MlpWidth}, rope θ {c.RopeTheta:G}{(c.RopeScaling is { } s ? $" ({s.Type} ×{s.Factor:G})" : "")}" +
                    $"{(c.TieEmbeddings ? ", tied embeddings" : "")}" : $", MLP {c.MlpWidth}, rotary {c.RotaryDims}"));
            Console.WriteLine($"  parameters    {model.ParameterCount:N0}; context {c.MaxSeqLen}; vocabulary {c.VocabSize:N0}");
            Console.WriteLine($"  tokenizer     {model.Tokenizer.Name} (BOS {model.Tokenizer.Bos?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, EOS {model.Tokenizer.Eos})");
            Console.WriteLine($"  version       {Engine.Checkpoints.CheckpointVersion.Of(path)}");
            if (model.Adapter is { } lora)
            {
                Console.WriteLine($"  adapters      LoRA r {lora.Rank}, alpha {lora.Alpha:G} on {string.Join(", ", lora.Targets)}: {model.TrainableParameterCount:N0} parameters");
            }
            return ExitCodes.Success;
        }
        catch (EngineException e)
        {
            Console.Error.WriteLine($"activeit model show: {e.Message}");
            return ExitCodes.InvalidInput;
        }
    }
}

/// <summary>`activeit model merge ADAPTERS --out FILE`: W ← W + (alpha/r)·B·A, written as a plain checkpoint.</summary>
internal sealed class ModelMergeCommand : Command
{
    private readonly Argument<string> _adapters = new("adapters") { Description = "A PEFT LoRA folder (adapter_config.json, adapter_model.safetensors)" };
    private readonly Option<string?> _base = new("--base") { Description = "The base checkpoint (default: the folder's base_model_name_or_path)" };
    private readonly Option<string> _out = new("--out") { Description = "The merged model: an ActiveIT .safetensors file (the tokenizer.json is named in it)", Required = true };

    public ModelMergeCommand() : base("merge", "Fold LoRA adapters into their base and write the merged model")
    {
        Arguments.Add(_adapters);
        Options.Add(_base);
        Options.Add(_out);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var adapters = parse.GetValue(_adapters)!;
        var output = parse.GetValue(_out)!;
        try
        {
            GptModel model;
            if (parse.GetValue(_base) is { } basePath)
            {
                model = GptModel.Load(basePath);
                model.LoadAdapter(adapters);
            }
            else
            {
                model = GptModel.Load(adapters);
            }
            using (model)
            {
                if (!model.HasAdapter)
                {
                    Console.Error.WriteLine($"activeit model merge: {adapters} is not a LoRA adapter folder (no adapter_config.json)");
                    return ExitCodes.InvalidInput;
                }
                var lora = model.Adapter!;
                model.MergeAdapter();
                model.Save(output, new Dictionary<string, string> { ["merged_adapter"] = Path.GetFullPath(adapters), ["merged_adapter_version"] = Engine.Checkpoints.CheckpointVersion.Of(adapters) });
                Console.WriteLine($"merged LoRA r {lora.Rank}, alpha {lora.Alpha:G} ({string.Join(", ", lora.Targets)}) into {output}");
                return ExitCodes.Success;
            }
        }
        catch (EngineException e)
        {
            Console.Error.WriteLine($"activeit model merge: {e.Message}");
            return ExitCodes.InvalidInput;
        }
    }
}
