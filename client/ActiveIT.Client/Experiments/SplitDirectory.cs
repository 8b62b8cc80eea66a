using ActiveIT.Core.Formats;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Import;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// `experiment create --split-dir DIR`: a split folder in NIV2's layout (splits/default: train_tasks.txt, test_tasks.txt)
/// or Active-IT's (reproduce_splits/…/init, one folder per round: train, dev, test and remain_tasks.txt). Active-IT's
/// pipeline trains round 0 on train_tasks.txt, selects each next round from remain_tasks.txt, picks the best epoch on
/// dev_tasks.txt and reports test_tasks.txt; NIV2's train_tasks.txt is the whole training pool. So train_tasks.txt is
/// read as round 0's tasks exactly when remain_tasks.txt sits beside it, and as the candidates otherwise.
/// </summary>
internal static class SplitDirectory
{
    public const string Train = "train_tasks.txt";
    public const string Dev = "dev_tasks.txt";
    public const string Test = "test_tasks.txt";
    public const string Remain = "remain_tasks.txt";

    public static ExperimentConfig Apply(ExperimentConfig config, string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new ArgumentException($"--split-dir {dir}: no such folder");
        }
        IReadOnlyList<string>? Ids(string file)
        {
            var path = Path.Combine(dir, file);
            if (!File.Exists(path))
            {
                return null;
            }
            try
            {
                return [.. Niv2SplitFiles.ReadSplit(path).Select(e => e.TaskId)];
            }
            catch (TaskFormatException e)
            {
                throw new ArgumentException($"--split-dir: {e.Message}", e);
            }
        }
        var test = Ids(Test) ?? throw new ArgumentException($"--split-dir {dir}: no {Test} (the held-out tasks)");
        var train = Ids(Train);
        var remain = Ids(Remain);
        var dev = Ids(Dev);
        config = config with { Evaluation = config.Evaluation with { TaskIds = test, Tasks = test.Count } };
        if (dev is not null)
        {
            config = config with { Evaluation = config.Evaluation with { DevTaskIds = dev, DevTasks = dev.Count } };
        }
        if (remain is not null)
        {
            config = config with { CandidateTaskIds = remain };
            if (train is not null)
            {
                config = config with { InitialTaskIds = train, InitialTasks = train.Count };
            }
        }
        else if (train is not null)
        {
            config = config with { CandidateTaskIds = train };
        }
        return config;
    }
}
