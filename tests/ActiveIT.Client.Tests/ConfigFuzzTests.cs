using System.Text;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;
using ActiveIT.Core;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Testing;

namespace ActiveIT.Client.Tests;

/// <summary>Experiment configs (`experiment create --config`) under the fuzz suite's mutations: read and validated, or
/// refused with an ArgumentException naming the file — never another exception.</summary>
public sealed class ConfigFuzzTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-config-fuzz-").FullName;

    [Fact]
    public void MutatedExperimentConfigs_AreReadAndValidated_OrRefusedNamingTheFile()
    {
        var config = CurriculumDemo.Preset("demo").Template with { Name = "x", Pool = "p", Strategy = "prompt-uncertainty", Model = new ModelSpec { BaseCheckpoint = "b-{seed}.safetensors" } };
        var valid = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { config }, Json.Options));
        var path = Path.Combine(_dir, "config.json");
        var cases = 0;
        foreach (var seed in Mutations.Seeds())
        {
            var random = SeededRandom.For(seed, "fuzz/experiment-config");
            for (var i = 0; i < 200; i++, cases++)
            {
                var input = i == 0 ? valid : Mutations.Mutate(valid, random);
                File.WriteAllBytes(path, input);
                try
                {
                    var read = ExperimentOptions.Load(path);
                    _ = read.Validate();
                }
                catch (ArgumentException e)
                {
                    Assert.True(e.Message.StartsWith(path, StringComparison.Ordinal), $"seed {seed}, case {i}: the error does not name the file: {e.Message}");
                }
                catch (Exception e)
                {
                    Assert.Fail($"seed {seed}, case {i}: {e.GetType().Name} escaped ({e.Message}); input: {Convert.ToBase64String(input)}");
                }
            }
        }
        Assert.Equal(400, cases);
    }

    public void Dispose() => ActiveIT.Tests.Scratch.Delete(_dir);
}
