namespace ActiveIT.Client.Output;

/// <summary>
/// A progress line on stderr: redrawn in place on a terminal, otherwise printed at most every few seconds,
/// so logs of long runs stay readable. Stdout stays clean for tables and JSON.
/// </summary>
internal sealed class ProgressLine
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private DateTime _last = DateTime.MinValue;
    private bool _drawn;

    public void Update(string text, bool force = false)
    {
        var now = DateTime.UtcNow;
        var interval = _interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(10);
        if (!force && now - _last < interval)
        {
            return;
        }
        _last = now;
        if (_interactive)
        {
            Console.Error.Write("\r\u001b[2K" + text);
            _drawn = true;
        }
        else
        {
            Console.Error.WriteLine(text);
        }
    }

    public void Clear()
    {
        if (_interactive && _drawn)
        {
            Console.Error.Write("\r\u001b[2K");
            _drawn = false;
        }
    }
}
