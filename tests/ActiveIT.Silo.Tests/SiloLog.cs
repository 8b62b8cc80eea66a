using System.Text;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// A silo process's console output as a test keeps it: the last lines, and apart from them every error entry
/// ("fail:" or "crit:" and its indented lines, an unhandled exception), which an info-level flood of request logs
/// would otherwise push out before the test fails.
/// </summary>
internal sealed class SiloLog
{
    private const int TailLines = 400;
    private const int ErrorLines = 400;
    private readonly Queue<string> _tail = new();
    private readonly Queue<string> _errors = new();
    private bool _inError;

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            Keep(_tail, line, TailLines);
            var continues = line.Length == 0 || char.IsWhiteSpace(line[0]);
            if (!continues)
            {
                _inError = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
                    || line.StartsWith("Unhandled exception", StringComparison.Ordinal);
            }
            if (_inError)
            {
                Keep(_errors, line, ErrorLines);
            }
        }
    }

    public string Tail(int lines)
    {
        lock (_tail)
        {
            return string.Join("\n", _tail.TakeLast(lines));
        }
    }

    public string Errors()
    {
        lock (_tail)
        {
            return _errors.Count == 0 ? "(none)" : string.Join("\n", _errors);
        }
    }

    private static void Keep(Queue<string> lines, string line, int limit)
    {
        lines.Enqueue(line);
        while (lines.Count > limit)
        {
            lines.Dequeue();
        }
    }
}
