using ActiveIT.Engine.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActiveIT.Engine;

/// <summary>
/// TorchSharp's AdamW (decoupled weight decay on matrices, none on biases and LayerNorms) under a LambdaLR of warm-up
/// and a constant, linear or cosine schedule, with gradient clipping, for one model; each <see cref="Step"/> updates
/// its weights in place. The loss is the mean cross-entropy over the batch's target tokens, in float32 whatever the
/// model's precision.
/// </summary>
public sealed class GptTrainer : IDisposable
{
    private static long _live;
    private readonly GptModel _model;
    private readonly Parameter[] _parameters;
    private readonly AdamW _optimizer;
    private readonly optim.lr_scheduler.LRScheduler _schedule;
    private int _disposed = 1;  // until the constructor finishes: a trainer whose config was refused is never counted

    internal GptTrainer(GptModel model, TrainingConfig config)
    {
        Validate(config);
        _model = model;
        Config = config;
        // Every trained parameter (all of them, or only the adapters' where the model has some) takes part in each forward,
        // so each has a gradient at every step and TorchSharp's AdamW, which skips parameters without one, updates them all.
        _parameters = [.. model.TrainableParameters().Select(p => p.Parameter)];
        AdamW.ParamGroup[] groups = [.. new[] { true, false }
            .Select(decay => new AdamW.ParamGroup([.. _parameters.Where(p => p.dim() >= 2 == decay)], new AdamW.Options { weight_decay = decay ? config.WeightDecay : 0 }))
            .Where(g => g.Parameters.Any())];
        // TorchSharp detaches the moments from any dispose scope a caller may have open: they live until Dispose.
        _optimizer = optim.AdamW(groups, config.LearningRate, config.Beta1, config.Beta2, config.Eps);
        // LambdaLR's constructor takes its first step: epoch 0 is in force until the first Step, epoch k during step k.
        _schedule = optim.lr_scheduler.LambdaLR(_optimizer, step => LearningRate(step) / (double)config.LearningRate);
        Interlocked.Increment(ref _live);
        _disposed = 0;
    }

    ~GptTrainer() => Release(disposing: false);

    public TrainingConfig Config { get; }

    internal static long Live => Interlocked.Read(ref _live);

    public StepResult Step(SequenceBatch batch)
    {
        using (_model.Enter())
        {
            using var scope = NewDisposeScope();
            var targets = TargetBatch.From(_model, batch);
            if (targets.Rows.Length == 0)
            {
                throw new EngineException("training batch has no target tokens (the target mask is all zero)");
            }
            _optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(targets.Logits(_model), targets.TargetTensor(_model));
            loss.backward();

            using var noGrad = no_grad();
            // libtorch's clipping: the global norm, and gradients scaled by min(1, clip / (norm + 1e-6)); no limit when GradClip <= 0.
            var gradNorm = (float)nn.utils.clip_grad_norm_(_parameters, Config.GradClip > 0 ? Config.GradClip : double.PositiveInfinity);
            var lr = (float)_schedule.get_last_lr().First();
            _optimizer.step();
            _schedule.step();
            return new StepResult(loss.item<float>(), gradNorm, lr, targets.Rows.Length);
        }
    }

    /// <summary>The rate at a 0-based step: linear warm-up to the peak, then the schedule down to MinLrRatio·lr at TotalSteps.</summary>
    public float LearningRate(long step)
    {
        if (step < Config.WarmupSteps)
        {
            return Config.LearningRate * (step + 1) / (Config.WarmupSteps + 1);
        }
        if (Config.Schedule == LrSchedule.Constant)
        {
            return Config.LearningRate;
        }
        var span = Math.Max(1, Config.TotalSteps - Config.WarmupSteps);
        var progress = Math.Min(1.0, (double)(step - Config.WarmupSteps) / span);
        var shape = Config.Schedule == LrSchedule.Linear ? 1 - progress : 0.5 * (1 + Math.Cos(Math.PI * progress));
        return (float)(Config.LearningRate * (Config.MinLrRatio + (1 - Config.MinLrRatio) * shape));
    }

    public void Dispose()
    {
        Release(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Counts the object gone; AdamW's moments are freed here on Dispose, by the optimizer's finalizer otherwise.</summary>
    private void Release(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Interlocked.Decrement(ref _live);
        if (disposing)
        {
            lock (_model.Gate)
            {
                _optimizer.Dispose();
            }
        }
    }

    private static void Validate(TrainingConfig c)
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new EngineException("train config: " + message);
            }
        }
        Require(c.LearningRate > 0, "lr must be positive");
        Require(c.WeightDecay >= 0, "weight_decay must be >= 0");
        Require(c.Beta1 is >= 0 and < 1 && c.Beta2 is >= 0 and < 1, "betas must be in [0, 1)");
        Require(c.Eps > 0, "eps must be positive");
        Require(c.WarmupSteps >= 0, "warmup_steps must be >= 0");
        Require(c.TotalSteps > 0 || c.Schedule == LrSchedule.Constant, "total_steps must be positive for a decaying schedule");
        Require(c.MinLrRatio is >= 0 and <= 1, "min_lr_ratio must be in [0, 1]");
        Require(Enum.IsDefined(c.Schedule), "schedule must be constant, linear or cosine");
    }
}
