using ActiveIT.Silo;

// activeit-silo: hosts the grains over shared storage and serves the JSON API (docs/user-guide.md, "The silo and the cluster").
SiloApp.Create(args).Run();
