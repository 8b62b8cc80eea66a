using System.Runtime.InteropServices;

namespace ActiveIT.Engine;

/// <summary>P/Invoke declarations for the C ABI; every call that returns a status goes through <see cref="Check"/>.</summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "activeit_engine";

    static NativeMethods() => NativeLoader.EnsureRegistered();

    internal static void Check(int status)
    {
        if (status != 0)
        {
            throw new EngineException(Marshal.PtrToStringUTF8(ait_last_error()) ?? "native engine error");
        }
    }

    [LibraryImport(Library)] internal static partial nint ait_last_error();
    [LibraryImport(Library)] internal static partial int ait_runtime_set_threads(int numThreads);
    [LibraryImport(Library)] internal static partial int ait_runtime_get_info(out NativeRuntimeInfo info);
    [LibraryImport(Library)] internal static partial int ait_runtime_set_fused_kernels(int enabled);
    [LibraryImport(Library)] internal static partial int ait_runtime_live_objects(out long models, out long trainers);
    [LibraryImport(Library)] internal static partial int ait_runtime_matmul_gflops(int m, int n, int k, int iterations, out double gflops);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ait_model_create(in NativeModelConfig config, string device, ulong seed, out ModelHandle model);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ait_model_load(string path, string device, out ModelHandle model);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ait_model_save(ModelHandle model, string path, string[] keys, string[] values, int count);

    [LibraryImport(Library)] internal static partial void ait_model_free(nint model);
    [LibraryImport(Library)] internal static partial int ait_model_get_config(ModelHandle model, out NativeModelConfig config);
    [LibraryImport(Library)] internal static partial int ait_model_num_params(ModelHandle model, out long count);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ait_model_get_metadata(ModelHandle model, string key, byte* buffer, int capacity, out int length);

    [LibraryImport(Library)]
    internal static partial int ait_model_score(ModelHandle model, int* tokens, byte* mask, int batch, int seqLen, double* sums, int* counts);

    [LibraryImport(Library)]
    internal static partial int ait_model_token_logprobs(ModelHandle model, int* tokens, byte* mask, int batch, int seqLen, float* logprobs);

    [LibraryImport(Library)]
    internal static partial int ait_model_next_logits(ModelHandle model, int* tokens, int* lengths, int batch, int seqLen, float* logits);

    [LibraryImport(Library)]
    internal static partial int ait_model_generate(ModelHandle model, int* prompts, int* lengths, int batch, in NativeGenerateConfig config,
        int* outTokens, int* outLengths);

    [LibraryImport(Library)] internal static partial int ait_trainer_create(ModelHandle model, in NativeTrainConfig config, out TrainerHandle trainer);
    [LibraryImport(Library)] internal static partial void ait_trainer_free(nint trainer);

    [LibraryImport(Library)]
    internal static partial int ait_trainer_step(TrainerHandle trainer, int* tokens, byte* mask, int batch, int seqLen, out NativeStepResult result);
}
