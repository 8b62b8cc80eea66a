using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool share`: who may write a pool besides its owner (and, for its owner or an admin, who owns it).</summary>
internal sealed class PoolShareCommand : Command
{
    private readonly Argument<string[]> _users = new("users") { Description = "Users to make editors (with --revoke: to remove)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<bool> _revoke = new("--revoke") { Description = "Remove the named users from the editors instead" };
    private readonly Option<string?> _owner = new("--owner") { Description = "Hand the pool to this user (its owner or an admin may)" };
    private readonly PoolConnection _connection = new();

    public PoolShareCommand() : base("share", "Let other researchers write a pool (its owner or an admin); without users, show who may")
    {
        Arguments.Add(_users);
        Options.Add(_revoke);
        Options.Add(_owner);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var pool = parse.GetValue(_connection.Pool)!;
        var users = parse.GetValue(_users) ?? [];
        var access = await service.GetAccessAsync(pool, cancellationToken);
        if (users.Length > 0 || parse.GetValue(_owner) is not null)
        {
            var editors = parse.GetValue(_revoke) ? access.Editors.Except(users, StringComparer.Ordinal) : access.Editors.Union(users, StringComparer.Ordinal);
            access = await service.SetAccessAsync(pool, parse.GetValue(_owner), [.. editors], _connection.Write(parse), cancellationToken);
        }
        Console.WriteLine(parse.GetValue(_connection.Json) ? JsonSerializer.Serialize(access, Json.Options)
            : $"pool '{pool}': owner {access.Owner ?? "(none: every researcher may write it)"}; editors {(access.Editors.Count == 0 ? "(none)" : string.Join(", ", access.Editors))}");
        return ExitCodes.Success;
    });
}

/// <summary>`activeit pool delete`: forgets a pool (an admin's action on a silo), refused while experiments read it.</summary>
internal sealed class PoolDeleteCommand : Command
{
    private readonly Option<bool> _yes = new("--yes") { Description = "Really delete: its versions and history go too", Required = true };
    private readonly PoolConnection _connection = new();

    public PoolDeleteCommand() : base("delete", "Delete a pool with its versions and history (refused while an experiment pins it; admins only on a silo)")
    {
        Options.Add(_yes);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var pool = parse.GetValue(_connection.Pool)!;
        if (!await service.DeleteAsync(pool, cancellationToken))
        {
            Console.Error.WriteLine($"activeit pool delete: there is no pool '{pool}'");
            return ExitCodes.InvalidInput;
        }
        Console.WriteLine(parse.GetValue(_connection.Json) ? JsonSerializer.Serialize(new { pool, deleted = true }, Json.Options) : $"pool '{pool}' deleted");
        return ExitCodes.Success;
    });
}
