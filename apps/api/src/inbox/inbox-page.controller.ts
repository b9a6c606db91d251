import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Public } from '../auth/access.decorators';

/** Built by `npm run build` from apps/web (Vite). */
const WEB_DIR = join(__dirname, '..', '..', '..', 'web');

/**
 * The app's only scripts and styles are its own built files; `img-src data:` is for the images
 * embedded in emails (shown on request inside a sandboxed frame); the frame itself is `srcdoc`.
 */
export const INBOX_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Vite's hashed asset names: nothing else is ever read from disk. */
const ASSET_NAME = /^[\w-]+\.(js|css|svg)$/;

/** The agents' inbox page at `/` and its built assets. */
@ApiExcludeController()
@Public()
@Controller()
export class InboxPageController {
  private page?: Promise<string>;

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', INBOX_CSP)
  @Header('Cache-Control', 'no-cache')
  async index(): Promise<string> {
    this.page ??= readFile(join(WEB_DIR, 'index.html'), 'utf8');
    try {
      return await this.page;
    } catch {
      this.page = undefined;
      throw new NotFoundException('the inbox is not built: run npm run build');
    }
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    if (!ASSET_NAME.test(file)) throw new NotFoundException(`no asset ${file}`);
    let body: Buffer;
    try {
      body = await readFile(join(WEB_DIR, 'assets', file));
    } catch {
      throw new NotFoundException(`no asset ${file}`);
    }
    // Hashed names: a new build has new names, so a browser may keep these for good. The email
    // frame is sandboxed without same-origin, so its stylesheet is a cross-origin load for it:
    // public build files may be read from any origin (helmet's default allows same-origin only).
    await reply
      .header('Content-Type', CONTENT_TYPES[extname(file)])
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .send(body);
  }
}
