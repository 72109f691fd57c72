export async function runGateway(_args: string[]): Promise<number> {
  process.stderr.write('flowgate gateway run: not available yet\n');
  return 1;
}
