import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Public } from '../../auth/access.decorators';

/** Built by `npm run build` from apps/widget (tsc, no framework). */
const WIDGET_FILE = join(__dirname, '..', '..', '..', '..', 'widget', 'widget.js');

const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Omnihub chat demo</title>
<script src="/widget.js" defer></script>
</head>
<body>
<main>
<h1>Omnihub chat demo</h1>
<p>A page of the company's website. The chat bubble in the corner comes from one script tag:</p>
<pre>&lt;script src="${'https://your-hub.example'}/widget.js" defer&gt;&lt;/script&gt;</pre>
<p>Messages sent here arrive in the agents' inbox; their replies appear in the chat.</p>
</main>
</body>
</html>
`;

/** The embeddable chat widget and a page that shows it working. */
@ApiExcludeController()
@Public()
@Controller()
export class ChatWidgetController {
  private widget?: Promise<string>;

  @Get('widget.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  // Any website may embed it: that is what it is for.
  @Header('Cross-Origin-Resource-Policy', 'cross-origin')
  async script(): Promise<string> {
    this.widget ??= readFile(WIDGET_FILE, 'utf8');
    try {
      return await this.widget;
    } catch {
      this.widget = undefined;
      throw new NotFoundException('the chat widget is not built: run npm run build');
    }
  }

  /** Runs no inline script or style; its Content-Security-Policy is in http/security-headers.ts. */
  @Get('chat-demo')
  @Header('Content-Type', 'text/html; charset=utf-8')
  demo(): string {
    return DEMO_PAGE;
  }
}
