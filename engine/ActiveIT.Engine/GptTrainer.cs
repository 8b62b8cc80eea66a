namespace ActiveIT.Engine;

/// <summary>AdamW state for one model; each <see cref="Step"/> updates that model's weights in place.</summary>
public sealed unsafe class GptTrainer : IDisposable
{
    private readonly GptModel _model;
    private readonly TrainerHandle _handle;

    internal GptTrainer(GptModel model, TrainingConfig config)
    {
        _model = model;
        Config = config;
        var native = config.ToNative();
        NativeMethods.Check(NativeMethods.ait_trainer_create(model.Handle, native, out _handle));
    }

    public TrainingConfig Config { get; }

    public StepResult Step(SequenceBatch batch)
    {
        NativeStepResult r;
        lock (_model.Gate)
        {
            fixed (int* tokens = batch.Tokens)
            fixed (byte* mask = batch.Mask)
            {
                NativeMethods.Check(NativeMethods.ait_trainer_step(_handle, tokens, mask, batch.Batch, batch.SeqLen, out r));
            }
        }
        return new StepResult(r.Loss, r.GradNorm, r.Lr, r.TargetTokens);
    }

    public void Dispose() => _handle.Dispose();
}
