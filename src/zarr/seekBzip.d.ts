// seek-bzip ships no types; the one call the bz2 codec makes.
declare module 'seek-bzip' {
  const Bunzip: { decode(input: Buffer, output?: Buffer, multistream?: boolean): Buffer };
  export default Bunzip;
}
