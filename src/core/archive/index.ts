// Zip archives read by range (pure): the central directory, then one entry as a checked stream.
export { MAX_DIRECTORY_BYTES, readCentralDirectory, ZipFormatError, type RangedSource, type ZipEntry, type ZipProblem } from "./zip";
export { crc32, entryDataOffset, entryProblem, entryStream, entryStreamAt, inflateEntry, readEntry, type EntryData } from "./zip-entry";
