using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit keys create|list|revoke`: API keys of named users on a silo (admins only; the caller's key comes from
/// $ACTIVEIT_API_KEY). A new key is printed once; the silo keeps only its hash.
/// </summary>
internal sealed class KeysCommand : Command
{
    public KeysCommand() : base("keys", "API keys of named users on a silo: create, list, revoke (needs an admin key in $ACTIVEIT_API_KEY)")
    {
        Subcommands.Add(Create());
        Subcommands.Add(List());
        Subcommands.Add(Revoke());
    }

    private static Option<string?> SiloOption() => new("--silo") { Description = "The silo (URL; default $ACTIVEIT_SILO)" };

    private static Option<bool> JsonOption() => new("--json") { Description = "Machine-readable output" };

    private static Command Create()
    {
        var user = new Option<string>("--user") { Description = "Who the key belongs to (letters, digits, '-', '_', '.')", Required = true };
        var role = new Option<string>("--role") { Description = "reader (read everything), researcher (own experiments, imports, scoring, models) or admin", Required = true };
        role.AcceptOnlyFromAmong("reader", "researcher", "admin");
        var (silo, json) = (SiloOption(), JsonOption());
        var command = new Command("create", "Create a key for a user with a role; the key is shown once") { user, role, silo, json };
        command.SetAction((parse, ct) => RunAsync(parse, "create", silo, async http =>
        {
            using var response = await http.PostAsJsonAsync("v1/keys", new { user = parse.GetValue(user), role = parse.GetValue(role) }, Json.Options, ct);
            var created = await SiloHttp.ReadAsync<JsonElement>(response, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(created.GetRawText());
                return;
            }
            Console.WriteLine($"key {created.GetProperty("id").GetString()} for {created.GetProperty("user").GetString()} ({created.GetProperty("role").GetString()}); " +
                "it is shown only now — the silo keeps its hash:");
            Console.WriteLine(created.GetProperty("key").GetString());
        }));
        return command;
    }

    private static Command List()
    {
        var (silo, json) = (SiloOption(), JsonOption());
        var command = new Command("list", "List keys: id, user, role, created, revoked") { silo, json };
        command.SetAction((parse, ct) => RunAsync(parse, "list", silo, async http =>
        {
            using var response = await http.GetAsync("v1/keys", ct);
            var keys = await SiloHttp.ReadAsync<JsonElement>(response, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(keys.GetRawText());
                return;
            }
            var table = new TextTable("id", "user", "role", "created", "by", "revoked");
            foreach (var k in keys.EnumerateArray())
            {
                table.Add(k.GetProperty("id").GetString()!, k.GetProperty("user").GetString()!, k.GetProperty("role").GetString()!,
                    k.GetProperty("created_at").GetDateTimeOffset().ToString("u"), k.GetProperty("created_by").GetString()!,
                    k.GetProperty("revoked_at").ValueKind == JsonValueKind.Null ? "-" : k.GetProperty("revoked_at").GetDateTimeOffset().ToString("u"));
            }
            table.FitToRows();
            Console.WriteLine(table);
        }));
        return command;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("id") { Description = "The key's id (from `keys list`)" };
        var silo = SiloOption();
        var command = new Command("revoke", "Revoke a key: refused at once by this silo, within 5 s by the others") { id, silo };
        command.SetAction((parse, ct) => RunAsync(parse, "revoke", silo, async http =>
        {
            using var response = await http.DeleteAsync($"v1/keys/{Uri.EscapeDataString(parse.GetValue(id)!)}", ct);
            var revoked = await SiloHttp.ReadAsync<JsonElement>(response, ct);
            Console.WriteLine($"revoked key {revoked.GetProperty("id").GetString()} of {revoked.GetProperty("user").GetString()}");
        }));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, string name, Option<string?> siloOption, Func<HttpClient, Task> body)
    {
        if (SiloHttp.Url(parse.GetValue(siloOption)) is not { } url)
        {
            Console.Error.WriteLine($"activeit keys {name}: keys live on a silo — give --silo URL or set $ACTIVEIT_SILO");
            return ExitCodes.InvalidInput;
        }
        try
        {
            using var http = SiloHttp.CreateClient(url);
            await body(http);
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"activeit keys {name}: {e.Message}");
            return e is ArgumentException ? ExitCodes.InvalidInput : ExitCodes.Failure;
        }
    }
}
