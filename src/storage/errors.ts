// Coded errors of the storage layer in the shared catalogue shape (src/base/errors.ts): a database URL or
// schema name it cannot open, and programming errors of its callers. Messages never carry a password.
import { CodedError, defineCatalogue, type CodedErrorOptions, type SymbolOf } from '../base/errors.ts';

/** Storage 500–519 (design choice, docs/architecture.md). */
export const storageErrors = defineCatalogue(
  'storage',
  [500, 519],
  [
    [
      '500',
      'DATABASE_URL_UNSUPPORTED',
      500,
      '不支持的数据库地址',
      'unsupported database URL',
      '请联系信息科（数据库配置错误） / call IT (database configuration error)',
      'use sqlite:PATH (sqlite::memory: for tests) or postgres://user@host/db — via --db or $RHC_DATABASE_URL',
    ],
    [
      '501',
      'SCHEMA_NAME_INVALID',
      500,
      '数据库模式名无效',
      'invalid database schema name',
      '请联系信息科（数据库配置错误） / call IT (database configuration error)',
      'a PostgreSQL schema (?schema=NAME) is lower-case letters, digits and _ , starting with a letter or _ , at most 63 characters',
    ],
    [
      '502',
      'STORAGE_UNKNOWN',
      500,
      '内部错误：数据库句柄未登记',
      'internal error: database handle not opened by the storage layer',
      '请联系信息科 / call IT',
      'storageOf(db) was given a Kysely instance that openStorage did not create; pass the PlatformDb from openDatabase',
    ],
    [
      '503',
      'COLUMN_UNKNOWN',
      500,
      '内部错误：数据表无此列',
      'internal error: no such table or column',
      '请联系信息科（数据库版本与程序不符） / call IT (database and program versions differ)',
      'a bulk insert or planner-statistics call named a table or column the current schema does not have: are the migrations applied (rhc serve runs them on start)?',
    ],
  ],
);

export type StorageErrorSymbol = SymbolOf<typeof storageErrors>;

export class StorageError extends CodedError {
  constructor(symbol: StorageErrorSymbol, opts: CodedErrorOptions = {}) {
    super(storageErrors.entry(symbol), opts);
    this.name = 'StorageError';
  }

  override get symbol(): StorageErrorSymbol {
    return this.entry.symbol as StorageErrorSymbol;
  }
}
