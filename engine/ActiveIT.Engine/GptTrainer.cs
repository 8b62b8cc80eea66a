using ActiveIT.Engine.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace ActiveIT.Engine;

/// <summary>
/// AdamW (decoupled weight decay on matrices, none on biases and LayerNorms) with warm-up and a constant, linear or
/// cosine schedule and gradient clipping, for one model; each <see cref="Step"/> updates its weights in place. The
/// loss is the mean cross-entropy over the batch's target tokens, in float32 whatever the model's precision.
/// </summary>
public sealed class GptTrainer : IDisposable
{
    private static long _live;
    private readonly GptModel _model;
    private readonly (Tensor Weight, Tensor M, Tensor V, bool Decay)[] _state;
    private long _step;
    private int _disposed = 1;  // until the constructor finishes: a trainer whose config was refused is never counted

    internal GptTrainer(GptModel model, TrainingConfig config)
    {
        Validate(config);
        _model = model;
        Config = config;
        using var noGrad = no_grad();
        // AdamW's moments belong to the trainer, not to any dispose scope a caller may have open.
        _state = [.. model.Module.parameters().Select(p => ((Tensor)p, zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope(), p.dim() >= 2))];
        Interlocked.Increment(ref _live);
        _disposed = 0;
    }

    ~GptTrainer() => Release(disposing: false);

    public TrainingConfig Config { get; }

    internal static long Live => Interlocked.Read(ref _live);

    public StepResult Step(SequenceBatch batch)
    {
        lock (_model.Gate)
        {
            using var scope = NewDisposeScope();
            var targets = TargetBatch.From(_model, batch);
            if (targets.Rows.Length == 0)
            {
                throw new EngineException("training batch has no target tokens (the target mask is all zero)");
            }
            _model.Module.zero_grad();
            var loss = nn.functional.cross_entropy(targets.Logits(_model), targets.TargetTensor(_model));
            loss.backward();

            using var noGrad = no_grad();
            var gradients = _state.Select(s => s.Weight.grad ?? zeros_like(s.Weight)).ToArray();
            var gradNorm = stack(gradients.Select(g => g.pow(2).sum())).sum().sqrt().item<float>();
            var clip = Config.GradClip > 0 && gradNorm > Config.GradClip ? Config.GradClip / (gradNorm + 1e-6f) : 1f;
            var lr = LearningRate(_step);
            _step++;
            var correction1 = 1 - Math.Pow(Config.Beta1, _step);
            var correction2 = 1 - Math.Pow(Config.Beta2, _step);
            for (var i = 0; i < _state.Length; i++)
            {
                var (weight, m, v, decay) = _state[i];
                var g = gradients[i];
                if (clip != 1f)
                {
                    g.mul_(clip);
                }
                m.mul_(Config.Beta1).add_(g, alpha: 1 - Config.Beta1);
                v.mul_(Config.Beta2).addcmul_(g, g, value: 1 - Config.Beta2);
                if (decay && Config.WeightDecay > 0)
                {
                    weight.mul_(1 - lr * Config.WeightDecay);
                }
                var denominator = (v / correction2).sqrt_().add_(Config.Eps);
                weight.addcdiv_(m, denominator, value: -lr / correction1);
            }
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

    /// <summary>Counts the object gone; tensors are freed here on Dispose, by their own finalizers otherwise.</summary>
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
                foreach (var (_, m, v, _) in _state)
                {
                    m.Dispose();
                    v.Dispose();
                }
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
