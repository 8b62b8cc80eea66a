using ActiveIT.Engine;

namespace ActiveIT.Runs.Curriculum;

/// <summary>
/// Writing a round's model where a killed process never leaves half of it: a safetensors file, or a model with LoRA
/// adapters as their PEFT folder (naming the base it was trained on), written beside the target and then moved over it.
/// </summary>
internal static class RoundCheckpoint
{
    public static void Save(GptModel model, string path, string? basePath)
    {
        var temporary = path + ".part";
        Delete(temporary);
        if (model.HasAdapter)
        {
            model.SaveAdapter(temporary, Path.GetFullPath(basePath ?? throw new InvalidOperationException("adapters need the base they were trained on")));
        }
        else
        {
            model.Save(temporary);
        }
        Move(temporary, path);
    }

    /// <summary>Replaces <paramref name="to"/> by <paramref name="from"/>. A folder is swapped in two moves: a kill between them
    /// leaves no checkpoint, and the round (whose record names no valid one) trains again.</summary>
    public static void Move(string from, string to)
    {
        if (Directory.Exists(from))
        {
            Delete(to);
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to, overwrite: true);
        }
    }

    public static void Delete(string? path)
    {
        if (path is null)
        {
            return;
        }
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
