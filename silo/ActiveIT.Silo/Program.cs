using ActiveIT.Silo;

// activeit-silo: hosts the grains over shared storage and serves the JSON API (README "Silo").
SiloApp.Create(args).Run();
