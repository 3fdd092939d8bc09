// The `meshport` command: dispatches to the subcommands. Errors never surface as stack traces:
// usage mistakes print the usage, anything unexpected prints one line, both exit 2.
import { BENCH_USAGE, runBench } from "./bench.js";
import { BOARD_USAGE, runBoard } from "./board.js";
import { DECODE_USAGE, runDecode } from "./decode.js";
import { LISTEN_USAGE, runListen } from "./listen.js";
import { SIM_USAGE, runSim } from "./sim.js";
import { UsageError } from "./usage-error.js";

const USAGE = `usage: meshport <command> [options]

commands:
  sim      run a simulated mesh from a scenario (the main job); see meshport sim --help
  decode   decode (and decrypt) a ServiceEnvelope or LoRa frame; see meshport decode --help
  listen   subscribe to a broker and print every packet as JSON; see meshport listen --help
  bench    run the benchmark suites side by side; see meshport bench --help
  board    build the Espruino bundle for a board, or flash it; see meshport board --help
  help     show this text`;

interface Command {
  usage: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  decode: { usage: DECODE_USAGE, run: (argv) => runDecode(argv, process.stdout, process.stderr, process.stdin) },
  bench: { usage: BENCH_USAGE, run: (argv) => runBench(argv, process.stdout, process.stderr) },
  listen: { usage: LISTEN_USAGE, run: (argv) => runListen(argv, process.stdout, process.stderr) },
  sim: { usage: SIM_USAGE, run: (argv) => runSim(argv, process.stdout, process.stderr) },
  board: { usage: BOARD_USAGE, run: (argv) => runBoard(argv, process.stdout, process.stderr) },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(USAGE + "\n");
    return name === undefined ? 2 : 0;
  }
  const cmd = commands[name];
  if (cmd === undefined) {
    process.stderr.write(`meshport: unknown command ${name}\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(cmd.usage + "\n");
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`meshport ${name}: ${e.message}\n${cmd.usage}\n`);
      return 2;
    }
    process.stderr.write(`meshport ${name}: ${(e as Error).message ?? String(e)}\n`);
    return 2;
  }
}
